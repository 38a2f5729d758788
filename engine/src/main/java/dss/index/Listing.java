package dss.index;

import java.util.List;

/** One page of a {@link ListingQuery}: {@code total} images match the filter, {@code images} is the page. */
public record Listing(long total, List<ImageRecord> images) {}
