package dss.index;

import java.util.Comparator;
import java.util.Locale;

/**
 * A page of the library in a stable order, for browsing: {@code limit} images of those whose path
 * starts with {@code pathPrefix} (null: all), in {@code order}: from position {@code offset}
 * (0-based), or, with a cursor {@code after} (then {@code offset} is 0), the images that follow
 * that cursor's image. A cursor page costs the same at every depth (the backend seeks to the
 * cursor's sort values); an offset page costs more the deeper it is.
 */
public record ListingQuery(Order order, String pathPrefix, int offset, int limit, Cursor after) {
  /**
   * The orders of a listing. "Date" is the file's modification time as indexed ({@link
   * ImageRecord#mtime()}), not an EXIF capture date; ties (and the path order) go by path, so a
   * listing never reorders between pages.
   */
  public enum Order {
    NEWEST(
        Comparator.comparingLong(ImageRecord::mtime).reversed().thenComparing(ImageRecord::path)),
    OLDEST(Comparator.comparingLong(ImageRecord::mtime).thenComparing(ImageRecord::path)),
    PATH(Comparator.comparing(ImageRecord::path));

    private final Comparator<ImageRecord> comparator;

    Order(Comparator<ImageRecord> comparator) {
      this.comparator = comparator;
    }

    /**
     * The order as records compare (paths by UTF-16 code units, which is UTF-8 byte order outside
     * surrogates).
     */
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

  /**
   * Where a page ended: the sort values of its last image (modification time and path; paths are
   * unique, so the position is exact in every order). Sent to clients as an opaque token ({@link
   * #token()}).
   */
  public record Cursor(long mtime, String path) {
    public Cursor {
      java.util.Objects.requireNonNull(path, "path");
    }

    /** The cursor after {@code image}. */
    public static Cursor after(ImageRecord image) {
      return new Cursor(image.mtime(), image.path());
    }

    /** URL-safe text: base64url of "mtime path" (UTF-8), no padding. */
    public String token() {
      byte[] text = (mtime + " " + path).getBytes(java.nio.charset.StandardCharsets.UTF_8);
      return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(text);
    }

    /**
     * The cursor of {@link #token()}; an {@link IllegalArgumentException} naming the problem for
     * anything else.
     */
    public static Cursor parse(String token) {
      String text;
      try {
        text =
            new String(
                java.util.Base64.getUrlDecoder().decode(token),
                java.nio.charset.StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "not a listing cursor (expected the 'next' value of a listing): " + e.getMessage());
      }
      int space = text.indexOf(' ');
      try {
        if (space < 1 || space == text.length() - 1) throw new NumberFormatException("no path");
        return new Cursor(Long.parseLong(text.substring(0, space)), text.substring(space + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "not a listing cursor (expected the 'next' value of a listing)");
      }
    }

    /**
     * Whether {@code image} comes after this cursor in {@code order} (as {@link Order#comparator()}
     * sorts).
     */
    public boolean precedes(ImageRecord image, Order order) {
      int c = order == Order.PATH ? 0 : Long.compare(mtime, image.mtime());
      if (order == Order.NEWEST) c = -c;
      if (c == 0) c = path.compareTo(image.path());
      return c < 0;
    }
  }

  /** A page by position (no cursor). */
  public ListingQuery(Order order, String pathPrefix, int offset, int limit) {
    this(order, pathPrefix, offset, limit, null);
  }

  /** The page after {@code after} (null: the first page). */
  public static ListingQuery after(Order order, String pathPrefix, Cursor after, int limit) {
    return new ListingQuery(order, pathPrefix, 0, limit, after);
  }

  public ListingQuery {
    if (order == null) throw new IllegalArgumentException("a listing needs an order");
    if (offset < 0) throw new IllegalArgumentException("offset must be at least 0, got " + offset);
    if (after != null && offset != 0)
      throw new IllegalArgumentException("a page after a cursor has no offset");
    if (limit < 1) throw new IllegalArgumentException("limit must be at least 1, got " + limit);
    if (pathPrefix != null && pathPrefix.isEmpty()) pathPrefix = null;
  }

  /** Whether {@code image} passes the path-prefix filter. */
  public boolean matches(ImageRecord image) {
    return pathPrefix == null || image.path().startsWith(pathPrefix);
  }
}
