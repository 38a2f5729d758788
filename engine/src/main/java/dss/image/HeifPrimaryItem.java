package dss.image;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The coding of a HEIF file's primary image, read from its boxes ({@code meta} -> {@code pitm},
 * {@code iinf} -> {@code infe} item type), to say why libheif refused it: libheif 1.15 does not see
 * images in codecs it has no decoder for, and calls such a valid file's primary image
 * "non-existing".
 */
final class HeifPrimaryItem {
  /**
   * Item types of codecs, their names for people, and the libheif version that first decodes each.
   */
  private static final Map<String, String[]> CODECS =
      Map.of(
          "unci", new String[] {"uncompressed", "1.17"},
          "jpeg", new String[] {"JPEG", "1.17"},
          "j2k1", new String[] {"JPEG 2000", "1.17"},
          "vvc1", new String[] {"H.266/VVC", "1.18"},
          "avc1", new String[] {"H.264/AVC", "1.19"},
          "hvc1", new String[] {"HEVC", null},
          "av01", new String[] {"AV1", null});

  private HeifPrimaryItem() {}

  /**
   * "HEIF with a codec this libheif cannot decode (uncompressed); libheif 1.17+ decodes it" when
   * the primary image uses a codec newer libheif versions decode, else null (the file is then what
   * libheif said it is).
   */
  static String unsupportedCodecReason(byte[] file, String label) {
    if (isCompact(file)) {
      return label
          + " in the compact layout (brand mif3, experimental in libheif 1.19+), which this libheif cannot"
          + " read";
    }
    String type = type(file);
    String[] codec = type == null ? null : CODECS.get(type);
    if (codec == null || codec[1] == null) {
      return null;
    }
    return label
        + " with a codec this libheif cannot decode ("
        + codec[0]
        + "); libheif "
        + codec[1]
        + "+ decodes it";
  }

  /**
   * ISO/IEC 23008-12's low-overhead ("mini") layout: major brand mif3, the real brand in the minor
   * version.
   */
  static boolean isCompact(byte[] b) {
    return b.length >= 16 && new String(b, 4, 8, StandardCharsets.ISO_8859_1).equals("ftypmif3");
  }

  /**
   * The primary item's four-character type ("hvc1", "av01", "unci", ...), or null when the boxes do
   * not say.
   */
  static String type(byte[] b) {
    try {
      int[] meta = find(b, 0, b.length, "meta");
      if (meta == null) {
        return null;
      }
      int start = meta[0] + 4, end = meta[1]; // a full box: version and flags first
      int[] pitm = find(b, start, end, "pitm");
      int[] iinf = find(b, start, end, "iinf");
      if (pitm == null || iinf == null) {
        return null;
      }
      long primary = b[pitm[0]] == 0 ? u16(b, pitm[0] + 4) : u32(b, pitm[0] + 4);
      int p = iinf[0] + 4 + (b[iinf[0]] == 0 ? 2 : 4);
      while (p + 8 <= iinf[1]) {
        long size = u32(b, p);
        if (size < 8 || p + size > iinf[1]) {
          return null;
        }
        String kind = new String(b, p + 4, 4, StandardCharsets.ISO_8859_1);
        int body = p + 8, version = b[body] & 0xff;
        if (kind.equals("infe") && version >= 2) {
          long id = version == 2 ? u16(b, body + 4) : u32(b, body + 4);
          int typeAt = body + 4 + (version == 2 ? 2 : 4) + 2;
          if (id == primary && typeAt + 4 <= p + size) {
            return new String(b, typeAt, 4, StandardCharsets.ISO_8859_1);
          }
        }
        p += (int) size;
      }
      return null;
    } catch (IndexOutOfBoundsException e) { // a box pointing past the file: nothing to say
      return null;
    }
  }

  /** The body (start, end) of the first box of this type between start and end, or null. */
  private static int[] find(byte[] b, int start, int end, String type) {
    int p = start;
    while (p + 8 <= end) {
      long size = u32(b, p);
      int header = 8;
      if (size == 1 && p + 16 <= end) {
        size = (u32(b, p + 8) << 32) | u32(b, p + 12);
        header = 16;
      } else if (size == 0) {
        size = end - p;
      }
      if (size < header || p + size > end) {
        return null;
      }
      if (new String(b, p + 4, 4, StandardCharsets.ISO_8859_1).equals(type)) {
        return new int[] {p + header, (int) (p + size)};
      }
      p += (int) size;
    }
    return null;
  }

  private static long u16(byte[] b, int at) {
    return (b[at] & 0xff) << 8 | (b[at + 1] & 0xff);
  }

  private static long u32(byte[] b, int at) {
    return (b[at] & 0xffL) << 24
        | (b[at + 1] & 0xff) << 16
        | (b[at + 2] & 0xff) << 8
        | (b[at + 3] & 0xff);
  }
}
