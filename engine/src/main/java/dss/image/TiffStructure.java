package dss.image;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The directory structure of a TIFF-structured file (TIFF itself and the camera RAW formats built
 * on it): every image file directory (IFD) reachable from the header through the IFD chain, SubIFDs
 * (tag 330) and the EXIF IFD (tag 34665), with each entry's tag, type, count and where its value
 * lies. Reads only the directories, never pixel data, and never trusts an offset: entries pointing
 * outside the bytes are dropped, loops and deep nesting are cut off. The 16-bit magic after the
 * byte-order mark is not checked (ORF and RW2 use their own), the caller does.
 */
final class TiffStructure {
  static final int TAG_COMPRESSION = 259;
  static final int TAG_PHOTOMETRIC = 262;
  static final int TAG_MAKE = 271;
  static final int TAG_STRIP_OFFSETS = 273;
  static final int TAG_ORIENTATION = 274;
  static final int TAG_STRIP_BYTE_COUNTS = 279;
  static final int TAG_TILE_OFFSETS = 324;
  static final int TAG_TILE_BYTE_COUNTS = 325;
  static final int TAG_SUB_IFDS = 330;
  static final int TAG_JPEG_OFFSET = 513;
  static final int TAG_JPEG_LENGTH = 514;
  static final int TAG_EXIF_IFD = 34665;
  static final int TAG_MAKER_NOTE = 37500;
  static final int TAG_DNG_VERSION = 50706;

  private static final int MAX_IFDS = 64; // a camera file has fewer than ten
  private static final int MAX_ENTRIES = 1000; // per IFD
  private static final int MAX_DEPTH = 4; // SubIFDs of SubIFDs ...

  /**
   * Bytes per value of each TIFF field type (1 BYTE ... 12 DOUBLE, 13 IFD), 0 for unknown types.
   */
  private static final int[] TYPE_SIZES = {0, 1, 1, 2, 4, 8, 1, 1, 2, 4, 8, 4, 8, 4};

  /** One directory entry; {@code at}: absolute position of its value (inline or pointed to). */
  record Entry(int tag, int type, long count, int at) {}

  /** One IFD, entries by tag; {@code offset}: its absolute position. */
  record Ifd(int offset, Map<Integer, Entry> entries) {
    Entry get(int tag) {
      return entries.get(tag);
    }
  }

  private final byte[] b;
  private final int base; // where the TIFF header starts: offsets are relative to it
  private final boolean bigEndian;
  private final int[] subIfdTags; // entries pointing to further IFDs
  private final List<Ifd> ifds = new ArrayList<>();
  private final Set<Integer> seen = new HashSet<>();

  /**
   * The structure of the TIFF header at {@code base}, or null when there is none (no II/MM
   * byte-order mark).
   */
  static TiffStructure parse(byte[] b, int base) {
    if (base < 0 || base + 8 > b.length) {
      return null;
    }
    boolean big;
    if (b[base] == 'I' && b[base + 1] == 'I') {
      big = false;
    } else if (b[base] == 'M' && b[base + 1] == 'M') {
      big = true;
    } else {
      return null;
    }
    TiffStructure t = new TiffStructure(b, base, big, TAG_SUB_IFDS, TAG_EXIF_IFD);
    t.chain(t.u32(base + 4), 0);
    return t;
  }

  /**
   * The IFDs of a maker note laid out like TIFF without a TIFF header: offsets count from {@code
   * base}, the first IFD is at {@code base + firstIfd}, and {@code subIfdTags} point to further
   * IFDs.
   */
  static TiffStructure at(byte[] b, int base, boolean bigEndian, int firstIfd, int... subIfdTags) {
    TiffStructure t = new TiffStructure(b, base, bigEndian, subIfdTags);
    t.chain(firstIfd, 0);
    return t;
  }

  private TiffStructure(byte[] b, int base, boolean bigEndian, int... subIfdTags) {
    this.b = b;
    this.base = base;
    this.bigEndian = bigEndian;
    this.subIfdTags = subIfdTags;
  }

  /** The file's bytes. */
  byte[] bytes() {
    return b;
  }

  /**
   * The 16-bit magic after the byte-order mark: 42 for TIFF, 0x4F52 / 0x5352 for ORF, 0x55 for RW2.
   */
  int magic() {
    return u16(base + 2);
  }

  /** Every IFD found, IFD0 first. */
  List<Ifd> ifds() {
    return ifds;
  }

  /** IFD0, or null when the header points nowhere valid. */
  Ifd ifd0() {
    return ifds.isEmpty() ? null : ifds.get(0);
  }

  /**
   * The entry's first {@code max} values as unsigned integers (BYTE, SHORT, LONG, IFD types), else
   * empty.
   */
  long[] values(Entry e, int max) {
    if (e == null || !(e.type == 1 || e.type == 3 || e.type == 4 || e.type == 7 || e.type == 13)) {
      return new long[0];
    }
    int size = TYPE_SIZES[e.type];
    int n = (int) Math.min(e.count, max);
    long[] v = new long[n];
    for (int i = 0; i < n; i++) {
      int at = e.at + i * size;
      v[i] = size == 1 ? b[at] & 0xff : size == 2 ? u16(at) : u32(at);
    }
    return v;
  }

  /** The entry's first value as an unsigned integer, or {@code otherwise}. */
  long value(Ifd ifd, int tag, long otherwise) {
    Entry e = ifd == null ? null : ifd.get(tag);
    long[] v = e == null ? new long[0] : values(e, 1);
    return v.length == 0 ? otherwise : v[0];
  }

  /** An ASCII entry's text up to its first NUL, or "" when absent. */
  String text(Ifd ifd, int tag) {
    Entry e = ifd == null ? null : ifd.get(tag);
    if (e == null || e.type != 2) {
      return "";
    }
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < e.count && b[e.at + i] != 0; i++) {
      s.append((char) (b[e.at + i] & 0xff));
    }
    return s.toString();
  }

  /** Absolute position of an offset stored in the file (offsets count from the TIFF header). */
  long absolute(long offset) {
    return base + offset;
  }

  private void chain(long offset, int depth) {
    while (offset != 0 && ifds.size() < MAX_IFDS) {
      Ifd ifd = read(offset);
      if (ifd == null) {
        return;
      }
      ifds.add(ifd);
      for (int tag : subIfdTags) {
        Entry e = ifd.get(tag);
        if (e != null && depth < MAX_DEPTH) {
          for (long sub : values(e, MAX_IFDS)) {
            chain(sub, depth + 1);
          }
        }
      }
      int count = u16(ifd.offset());
      offset = u32(ifd.offset() + 2 + 12 * count);
    }
  }

  /** The IFD at this offset, or null when it is outside the bytes or already read (a loop). */
  private Ifd read(long offset) {
    long at = base + offset;
    if (offset < 8 || at < 0 || at + 2 > b.length || !seen.add((int) at)) {
      return null;
    }
    int count = u16((int) at);
    if (count == 0 || count > MAX_ENTRIES || at + 2 + 12L * count + 4 > b.length) {
      return null;
    }
    Map<Integer, Entry> entries = new LinkedHashMap<>();
    for (int i = 0; i < count; i++) {
      int p = (int) at + 2 + 12 * i;
      int tag = u16(p), type = u16(p + 2);
      long n = u32(p + 4);
      int size = type < TYPE_SIZES.length ? TYPE_SIZES[type] : 0;
      if (size == 0 || n == 0) {
        continue;
      }
      long bytes = n * size;
      long value = bytes <= 4 ? p + 8 : base + u32(p + 8);
      if (value + bytes > b.length) {
        continue; // points outside the file: as if absent
      }
      entries.putIfAbsent(tag, new Entry(tag, type, n, (int) value));
    }
    return new Ifd((int) at, entries);
  }

  int u16(int at) {
    int x = b[at] & 0xff, y = b[at + 1] & 0xff;
    return bigEndian ? x << 8 | y : y << 8 | x;
  }

  long u32(int at) {
    long x = u16(bigEndian ? at : at + 2), y = u16(bigEndian ? at + 2 : at);
    return x << 16 | y;
  }
}
