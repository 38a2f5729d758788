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
   * The orders of a listing. "Date" ({@code newest}, {@code oldest}) is the file's modification
   * time as indexed ({@link ImageRecord#mtime()}); "taken" ({@code taken} newest first, {@code
   * taken_oldest}) is the EXIF capture date ({@link TakenAt#sortKey}), images without one after all
   * those with one, by modification time in the same direction. Ties (and the path order) go by
   * path, so a listing never reorders between pages.
   */
  public enum Order {
    NEWEST(
        Comparator.comparingLong(ImageRecord::mtime).reversed().thenComparing(ImageRecord::path)),
    OLDEST(Comparator.comparingLong(ImageRecord::mtime).thenComparing(ImageRecord::path)),
    PATH(Comparator.comparing(ImageRecord::path)),
    TAKEN(byTaken(true)),
    TAKEN_OLDEST(byTaken(false));

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

    /** Whether this order sorts by capture date. */
    public boolean byCaptureDate() {
      return this == TAKEN || this == TAKEN_OLDEST;
    }

    /**
     * Dated images first (by capture date), then undated ones (by modification time), then path;
     * {@code newestFirst} reverses the dates, not the path.
     */
    private static Comparator<ImageRecord> byTaken(boolean newestFirst) {
      return (a, b) ->
          compareTaken(
              a.takenSortKey(),
              a.mtime(),
              a.path(),
              b.takenSortKey(),
              b.mtime(),
              b.path(),
              newestFirst);
    }

    static int compareTaken(Long ta, long ma, String pa, Long tb, long mb, String pb, Order order) {
      return compareTaken(ta, ma, pa, tb, mb, pb, order == TAKEN);
    }

    private static int compareTaken(
        Long ta, long ma, String pa, Long tb, long mb, String pb, boolean newestFirst) {
      int c = Boolean.compare(ta == null, tb == null); // undated last in both directions
      if (c != 0) return c;
      if (ta != null) c = Long.compare(ta, tb);
      if (c == 0) c = Long.compare(ma, mb);
      if (newestFirst) c = -c;
      return c != 0 ? c : pa.compareTo(pb);
    }

    /**
     * {@code newest}, {@code oldest}, {@code path}, {@code taken} or {@code taken_oldest}, any
     * case; null for anything else.
     */
    public static Order parse(String name) {
      for (Order o : values()) if (o.name().equals(name.toUpperCase(Locale.ROOT))) return o;
      return null;
    }

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * Where a page ended: the sort values of its last image (modification time, path and the capture
   * date's sort key, null when undated; paths are unique, so the position is exact in every order).
   * Sent to clients as an opaque token ({@link #token()}).
   */
  public record Cursor(long mtime, String path, Long taken) {
    public Cursor {
      java.util.Objects.requireNonNull(path, "path");
    }

    /** A cursor without a capture date. */
    public Cursor(long mtime, String path) {
      this(mtime, path, null);
    }

    /** The cursor after {@code image}. */
    public static Cursor after(ImageRecord image) {
      return new Cursor(image.mtime(), image.path(), image.takenSortKey());
    }

    /** URL-safe text: base64url of "mtime,taken path" ("-" for no date; UTF-8), no padding. */
    public String token() {
      String text = mtime + "," + (taken == null ? "-" : taken.toString()) + " " + path;
      return java.util.Base64.getUrlEncoder()
          .withoutPadding()
          .encodeToString(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /**
     * The cursor of {@link #token()} (or of the older "mtime path" form); an {@link
     * IllegalArgumentException} naming the problem for anything else.
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
        String keys = text.substring(0, space);
        int comma = keys.indexOf(',');
        long mtime = Long.parseLong(comma < 0 ? keys : keys.substring(0, comma));
        String t = comma < 0 ? "-" : keys.substring(comma + 1);
        return new Cursor(mtime, text.substring(space + 1), t.equals("-") ? null : Long.valueOf(t));
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
      if (order.byCaptureDate())
        return Order.compareTaken(
                taken, mtime, path, image.takenSortKey(), image.mtime(), image.path(), order)
            < 0;
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
