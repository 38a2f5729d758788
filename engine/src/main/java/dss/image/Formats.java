package dss.image;

import java.util.List;
import java.util.Locale;

/**
 * The names people know the formats by, and the list of what is decoded (for {@code doctor} and the
 * docs).
 */
public final class Formats {
  private Formats() {}

  /**
   * Formats decoded to pixels, by the name people know them by, in the order {@code doctor} lists
   * them.
   */
  public static final List<String> SUPPORTED =
      List.of(
          "JPEG",
          "PNG",
          "GIF (first frame)",
          "WebP",
          "BMP",
          "TIFF (first page, BigTIFF too)",
          "HEIC",
          "HEIF",
          "AVIF",
          "camera RAW through its JPEG preview (DNG, CR2, CR3, NEF, ARW, ORF, RW2, PEF, RAF)");

  /** "JPEG", "PNG", "TIFF", "WebP", "HEIC", ... for a {@link FormatSniffer} name. */
  public static String label(String format) {
    return switch (format) {
      case "webp" -> "WebP";
      case "raw" -> "camera RAW";
      default -> format.toUpperCase(Locale.ROOT);
    };
  }
}
