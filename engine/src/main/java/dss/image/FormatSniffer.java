package dss.image;

/** Recognises an image format from a file's first bytes (magic numbers), never from its name. */
public final class FormatSniffer {
  /** Enough leading bytes for every signature below. */
  public static final int HEAD_BYTES = 32;

  private FormatSniffer() {}

  /** "jpeg", "png", "gif", "bmp", "tiff" or "webp" (ImageIO format names), or null when none matches. */
  public static String sniff(byte[] b) {
    if (startsWith(b, 0, 0xFF, 0xD8, 0xFF)) {
      return "jpeg";
    }
    if (startsWith(b, 0, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
      return "png";
    }
    if (startsWith(b, 0, 'G', 'I', 'F', '8') && b.length > 5 && (b[4] == '7' || b[4] == '9') && b[5] == 'a') {
      return "gif";
    }
    if (startsWith(b, 0, 'R', 'I', 'F', 'F') && startsWith(b, 8, 'W', 'E', 'B', 'P')) {
      return "webp";
    }
    if (startsWith(b, 0, 'I', 'I', 42, 0) || startsWith(b, 0, 'M', 'M', 0, 42)) {
      return "tiff";
    }
    // BMP: "BM" then a 4-byte file size, 4 reserved bytes and a pixel-data offset; a known DIB header size at 14
    if (startsWith(b, 0, 'B', 'M') && b.length >= 18) {
      int dib = (b[14] & 0xff) | (b[15] & 0xff) << 8 | (b[16] & 0xff) << 16 | (b[17] & 0xff) << 24;
      if (dib == 12 || dib == 40 || dib == 52 || dib == 56 || dib == 64 || dib == 108 || dib == 124) {
        return "bmp";
      }
    }
    return null;
  }

  private static boolean startsWith(byte[] b, int offset, int... signature) {
    if (b.length < offset + signature.length) {
      return false;
    }
    for (int i = 0; i < signature.length; i++) {
      if ((b[offset + i] & 0xff) != signature[i]) {
        return false;
      }
    }
    return true;
  }
}
