package dss.index.solr;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The ids of a snapshot's items in Solr's sort order (unsigned bytes; item i is the i-th id), with
 * the reverse look-up by binary search. Ids of the usual form (32 lower-case hex digits, {@code
 * ImageRecord.idFor}) are packed into two longs: 16 bytes per item. Any other id switches the table
 * to strings.
 */
final class ItemTable {
  private final long[] high;
  private final long[] low;
  private final String[] strings; // null when packed

  private ItemTable(long[] high, long[] low, String[] strings) {
    this.high = high;
    this.low = low;
    this.strings = strings;
  }

  int size() {
    return strings != null ? strings.length : high.length;
  }

  String id(int item) {
    if (strings != null) return strings[item];
    return hex(high[item]) + hex(low[item]);
  }

  /** The item of {@code id}, or -1 when it is not in the table. */
  int itemOf(String id) {
    if (strings != null) {
      int i = Arrays.binarySearch(strings, id);
      return i >= 0 ? i : -1;
    }
    if (!packable(id)) return -1;
    long h = Long.parseUnsignedLong(id, 0, 16, 16);
    long l = Long.parseUnsignedLong(id, 16, 32, 16);
    int lo = 0;
    int hi = high.length - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      int c = Long.compareUnsigned(high[mid], h);
      if (c == 0) c = Long.compareUnsigned(low[mid], l);
      if (c < 0) lo = mid + 1;
      else if (c > 0) hi = mid - 1;
      else return mid;
    }
    return -1;
  }

  static boolean packable(String id) {
    if (id.length() != 32) return false;
    for (int i = 0; i < 32; i++) {
      char c = id.charAt(i);
      if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) return false;
    }
    return true;
  }

  private static String hex(long v) {
    String s = Long.toHexString(v);
    return "0".repeat(16 - s.length()) + s;
  }

  /** Takes ids in ascending order. */
  static final class Builder {
    private long[] high = new long[1024];
    private long[] low = new long[1024];
    private int n;
    private List<String> strings; // non-null once an id is not packable

    void add(String id) {
      if (strings == null && !packable(id)) {
        strings = new ArrayList<>(n + 1);
        for (int i = 0; i < n; i++) strings.add(hex(high[i]) + hex(low[i]));
        high = low = null;
      }
      if (strings != null) {
        strings.add(id);
        return;
      }
      if (n == high.length) {
        high = Arrays.copyOf(high, n * 2);
        low = Arrays.copyOf(low, n * 2);
      }
      high[n] = Long.parseUnsignedLong(id, 0, 16, 16);
      low[n++] = Long.parseUnsignedLong(id, 16, 32, 16);
    }

    ItemTable build() {
      if (strings != null) return new ItemTable(null, null, strings.toArray(String[]::new));
      return new ItemTable(Arrays.copyOf(high, n), Arrays.copyOf(low, n), null);
    }
  }
}
