package dss.image;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;

/**
 * Recognises an image format from a file's first bytes (magic numbers), never from its name. File
 * names only decide whether an unrecognised file is worth a failure report ({@link
 * #namedLikeImage}).
 */
public final class FormatSniffer {
  /**
   * Enough leading bytes for every signature below (and the brands of an ISO-BMFF file-type box).
   */
  public static final int HEAD_BYTES = 64;

  /**
   * Extensions under which a file that is not a decodable image is reported rather than ignored.
   */
  private static final Set<String> IMAGE_EXTENSIONS =
      Set.of(
          "jpg", "jpeg", "jpe", "png", "gif", "bmp", "webp", "tif", "tiff", "heic", "heif", "heics",
          "heifs", "hif", "avif", "avifs", "dng", "cr2", "cr3", "nef", "nrw", "arw", "srf", "sr2",
          "orf", "rw2", "pef", "raf");

  /** ISO-BMFF brands of AVIF (still, sequence). */
  private static final Set<String> AVIF_BRANDS = Set.of("avif", "avis");

  /**
   * ISO-BMFF brands of HEVC-coded HEIF images and sequences (what cameras and phones call HEIC).
   */
  private static final Set<String> HEIC_BRANDS =
      Set.of("heic", "heix", "hevc", "hevx", "heim", "heis", "hevm", "hevs");

  /** Generic HEIF brands (image, sequence): a HEIF file whose codec no brand names. */
  private static final Set<String> HEIF_BRANDS = Set.of("mif1", "msf1", "mif3");

  private FormatSniffer() {}

  /**
   * "jpeg", "png", "gif", "bmp", "tiff", "webp" (ImageIO format names), "heic", "heif" or "avif"
   * (see {@link #heifFamily}), "raw" for a camera RAW with a signature of its own (ORF, RW2, RAF,
   * CR3; TIFF-structured RAWs say "tiff" here), or null when none matches.
   */
  public static String sniff(byte[] b) {
    if (startsWith(b, 0, 0xFF, 0xD8, 0xFF)) {
      return "jpeg";
    }
    if (startsWith(b, 0, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
      return "png";
    }
    if (startsWith(b, 0, 'G', 'I', 'F', '8')
        && b.length > 5
        && (b[4] == '7' || b[4] == '9')
        && b[5] == 'a') {
      return "gif";
    }
    if (startsWith(b, 0, 'R', 'I', 'F', 'F') && startsWith(b, 8, 'W', 'E', 'B', 'P')) {
      return "webp";
    }
    if (startsWith(b, 0, 'I', 'I', 42, 0) || startsWith(b, 0, 'M', 'M', 0, 42)) {
      return "tiff"; // or a TIFF-structured camera RAW (DNG, CR2, NEF, ...): the decoder looks
      // further
    }
    if (startsWith(b, 0, 'I', 'I', 43, 0) || startsWith(b, 0, 'M', 'M', 0, 43)) {
      return "tiff"; // BigTIFF (64-bit offsets), read by the same TIFF reader
    }
    // camera RAWs with their own signature: ORF, RW2, RAF, CR3 (decoded through their JPEG preview)
    if (startsWith(b, 0, 'I', 'I', 'R', 'O')
        || startsWith(b, 0, 'I', 'I', 'R', 'S')
        || startsWith(b, 0, 'M', 'M', 'O', 'R')
        || startsWith(b, 0, 'I', 'I', 'U', 0)
        || startsWith(
            b, 0, 'F', 'U', 'J', 'I', 'F', 'I', 'L', 'M', 'C', 'C', 'D', '-', 'R', 'A', 'W', ' ')
        || startsWith(b, 4, 'f', 't', 'y', 'p', 'c', 'r', 'x', ' ')) {
      return "raw";
    }
    // BMP: "BM" then a 4-byte file size, 4 reserved bytes and a pixel-data offset; a known DIB
    // header size at 14
    if (startsWith(b, 0, 'B', 'M') && b.length >= 18) {
      int dib = (b[14] & 0xff) | (b[15] & 0xff) << 8 | (b[16] & 0xff) << 16 | (b[17] & 0xff) << 24;
      if (dib == 12
          || dib == 40
          || dib == 52
          || dib == 56
          || dib == 64
          || dib == 108
          || dib == 124) {
        return "bmp";
      }
    }
    return heifFamily(b);
  }

  /**
   * "avif", "heic" or "heif" from the brands (major and compatible) of the ISO-BMFF file-type box
   * at the start of the file; null for anything else, videos in the same container (MP4, QuickTime)
   * included.
   */
  private static String heifFamily(byte[] b) {
    if (b.length < 16 || !startsWith(b, 4, 'f', 't', 'y', 'p')) {
      return null;
    }
    long size = (b[0] & 0xffL) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | (b[3] & 0xff);
    if (size < 16 || size % 4 != 0) {
      return null;
    }
    int end = (int) Math.min(size, b.length);
    boolean heic = false, heif = false;
    boolean compact =
        startsWith(
            b, 8, 'm', 'i', 'f', '3'); // the low-overhead layout: the brand is the minor version
    for (int at = 8; at + 4 <= end; at += 4) {
      if (at == 12 && !compact) {
        continue; // the minor version, not a brand
      }
      String brand = new String(b, at, 4, StandardCharsets.ISO_8859_1);
      if (AVIF_BRANDS.contains(brand)) {
        return "avif";
      }
      heic |= HEIC_BRANDS.contains(brand);
      heif |= HEIF_BRANDS.contains(brand);
    }
    return heic ? "heic" : heif ? "heif" : null;
  }

  /**
   * True when a file of this name is meant to be an image (its extension), whatever its content.
   */
  public static boolean namedLikeImage(String fileName) {
    int dot = fileName.lastIndexOf('.');
    return dot >= 0
        && IMAGE_EXTENSIONS.contains(fileName.substring(dot + 1).toLowerCase(Locale.ROOT));
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
