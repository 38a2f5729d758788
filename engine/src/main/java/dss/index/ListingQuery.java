package dss.index;

import java.util.Comparator;
import java.util.Locale;

/**
 * A page of the library in a stable order, for browsing: {@code limit} images from position {@code offset}
 * (0-based) of the images whose path starts with {@code pathPrefix} (null: all), in {@code order}.
 */
public record ListingQuery(Order order, String pathPrefix, int offset, int limit) {
  /**
   * The orders of a listing. "Date" is the file's modification time as indexed ({@link ImageRecord#mtime()}), not
   * an EXIF capture date; ties (and the path order) go by path, so a listing never reorders between pages.
   */
  public enum Order {
    NEWEST(Comparator.comparingLong(ImageRecord::mtime).reversed().thenComparing(ImageRecord::path)),
    OLDEST(Comparator.comparingLong(ImageRecord::mtime).thenComparing(ImageRecord::path)),
    PATH(Comparator.comparing(ImageRecord::path));

    private final Comparator<ImageRecord> comparator;

    Order(Comparator<ImageRecord> comparator) {
      this.comparator = comparator;
    }

    /** The order as records compare (paths by UTF-16 code units, which is UTF-8 byte order outside surrogates). */
    public Comparator<ImageRecord> comparator() {
      return comparator;
    }

    /** {@code newest}, {@code oldest} or {@code path}, any case; null for anything else. */
    public static Order parse(String name) {
      for (Order o : values()) if (o.name().equals(name.toUpperCase(Locale.ROOT))) return o;
      return null;
    }

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public ListingQuery {
    if (order == null) throw new IllegalArgumentException("a listing needs an order");
    if (offset < 0) throw new IllegalArgumentException("offset must be at least 0, got " + offset);
    if (limit < 1) throw new IllegalArgumentException("limit must be at least 1, got " + limit);
    if (pathPrefix != null && pathPrefix.isEmpty()) pathPrefix = null;
  }

  /** Whether {@code image} passes the path-prefix filter. */
  public boolean matches(ImageRecord image) {
    return pathPrefix == null || image.path().startsWith(pathPrefix);
  }
}
