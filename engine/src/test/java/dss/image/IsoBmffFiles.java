package dss.image;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Minimal ISO-BMFF files (HEIC, AVIF, MP4, QuickTime): the file-type box that identifies them, then
 * padding.
 */
public final class IsoBmffFiles {
  private IsoBmffFiles() {}

  /**
   * Box size, "ftyp", the major brand, a zero minor version and the compatible brands (4 characters
   * each).
   */
  public static byte[] ftyp(String major, String... compatible) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int size = 16 + 4 * compatible.length;
    out.writeBytes(new byte[] {0, 0, 0, (byte) size});
    out.writeBytes("ftyp".getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(major.getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(new byte[4]);
    for (String brand : compatible) out.writeBytes(brand.getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(new byte[64]); // where the next box would start
    return out.toByteArray();
  }
}
