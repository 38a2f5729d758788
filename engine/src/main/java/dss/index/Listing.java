package dss.index;

import java.util.List;

/**
 * One page of a {@link ListingQuery}: {@code total} images match the filter, {@code images} is the
 * page, and {@code next} is the cursor of the page that follows (null when this page is the last).
 */
public record Listing(long total, List<ImageRecord> images, ListingQuery.Cursor next) {
  /** A page without a cursor to the next one. */
  public Listing(long total, List<ImageRecord> images) {
    this(total, images, null);
  }

  /**
   * The page of {@code limit} images from {@code fetched}, which holds one more when a page
   * follows: then {@code next} points after the page's last image.
   */
  public static Listing of(long total, List<ImageRecord> fetched, int limit) {
    if (fetched.size() <= limit) return new Listing(total, List.copyOf(fetched), null);
    List<ImageRecord> page = List.copyOf(fetched.subList(0, limit));
    return new Listing(total, page, ListingQuery.Cursor.after(page.get(limit - 1)));
  }
}
