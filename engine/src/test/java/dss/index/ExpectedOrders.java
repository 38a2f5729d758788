package dss.index;

import java.util.Comparator;
import java.util.Map;

/**
 * The listing's file-date and path orders written out by the tests, independently of the index: a
 * listing must give its records in exactly these orders (date ties by path).
 */
public final class ExpectedOrders {
  private ExpectedOrders() {}

  /** {@code NEWEST}, {@code OLDEST} and {@code PATH}, each as a comparator of records. */
  public static Map<ListingQuery.Order, Comparator<ImageRecord>> byFileDateAndPath() {
    Comparator<ImageRecord> byPath = Comparator.comparing(ImageRecord::path);
    return Map.of(
        ListingQuery.Order.NEWEST,
        Comparator.comparingLong(ImageRecord::mtime).reversed().thenComparing(byPath),
        ListingQuery.Order.OLDEST,
        Comparator.comparingLong(ImageRecord::mtime).thenComparing(byPath),
        ListingQuery.Order.PATH,
        byPath);
  }
}
