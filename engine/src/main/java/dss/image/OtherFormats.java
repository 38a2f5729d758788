package dss.image;

import java.util.Locale;
import java.util.Map;

/**
 * What a file that is not an image of a supported format is, by its content and else its name, so
 * that a skipped file is listed with a reason a person understands ("TGA image (a format not
 * indexed)"). Only for reporting: it never decides whether a file is decoded ({@link FormatSniffer}
 * does).
 */
public final class OtherFormats {
  /** Image formats photo libraries rarely hold, by extension: their name for people. */
  private static final Map<String, String> IMAGE_EXTENSIONS =
      Map.ofEntries(
          Map.entry("tga", "TGA"),
          Map.entry("psd", "Photoshop (PSD)"),
          Map.entry("psb", "Photoshop (PSB)"),
          Map.entry("ppm", "PPM"),
          Map.entry("pgm", "PGM"),
          Map.entry("pbm", "PBM"),
          Map.entry("pnm", "PNM"),
          Map.entry("pfm", "PFM"),
          Map.entry("dds", "DDS"),
          Map.entry("jp2", "JPEG 2000"),
          Map.entry("j2k", "JPEG 2000"),
          Map.entry("jpx", "JPEG 2000"),
          Map.entry("jpf", "JPEG 2000"),
          Map.entry("j2c", "JPEG 2000"),
          Map.entry("jxl", "JPEG XL"),
          Map.entry("ico", "ICO"),
          Map.entry("cur", "Windows cursor"),
          Map.entry("icns", "ICNS"),
          Map.entry("pcx", "PCX"),
          Map.entry("sgi", "SGI"),
          Map.entry("rgb", "SGI"),
          Map.entry("eps", "EPS"),
          Map.entry("xcf", "GIMP (XCF)"),
          Map.entry("exr", "OpenEXR"),
          Map.entry("hdr", "Radiance HDR"),
          Map.entry("qoi", "QOI"),
          Map.entry("xpm", "XPM"),
          Map.entry("xbm", "XBM"),
          Map.entry("fits", "FITS"),
          Map.entry("fit", "FITS"),
          Map.entry("blp", "BLP"),
          Map.entry("fli", "FLI animation"),
          Map.entry("flc", "FLI animation"),
          Map.entry("mpo", "MPO"),
          Map.entry("apng", "APNG"),
          Map.entry("svg", "SVG"),
          Map.entry("wmf", "WMF"),
          Map.entry("emf", "EMF"),
          Map.entry("ras", "Sun raster"),
          Map.entry("im", "IM"),
          Map.entry("msp", "MSP"),
          Map.entry("pcd", "Photo CD"),
          Map.entry("fpx", "FlashPix"),
          Map.entry("ftex", "FTEX"),
          Map.entry("wal", "WAL"),
          Map.entry("spider", "SPIDER"),
          Map.entry("sun", "Sun raster"),
          Map.entry("dcx", "DCX"),
          Map.entry("x3f", "Sigma X3F camera RAW"),
          Map.entry("kdc", "Kodak KDC camera RAW"),
          Map.entry("mrw", "Minolta MRW camera RAW"),
          Map.entry("crw", "Canon CRW camera RAW"),
          Map.entry("3fr", "Hasselblad 3FR camera RAW"),
          Map.entry("iiq", "Phase One IIQ camera RAW"),
          Map.entry("srw", "Samsung SRW camera RAW"),
          Map.entry("erf", "Epson ERF camera RAW"),
          Map.entry("mef", "Mamiya MEF camera RAW"),
          Map.entry("dcr", "Kodak DCR camera RAW"));

  /** Other common kinds of files under a photo folder. */
  private static final Map<String, String> OTHER_EXTENSIONS =
      Map.ofEntries(
          Map.entry("mp4", "video"),
          Map.entry("mov", "video"),
          Map.entry("m4v", "video"),
          Map.entry("avi", "video"),
          Map.entry("mkv", "video"),
          Map.entry("mts", "video"),
          Map.entry("3gp", "video"),
          Map.entry("webm", "video"),
          Map.entry("xmp", "metadata sidecar"),
          Map.entry("aae", "metadata sidecar"),
          Map.entry("thm", "thumbnail sidecar"),
          Map.entry("pdf", "PDF document"),
          Map.entry("txt", "text file"),
          Map.entry("json", "text file"),
          Map.entry("db", "database"),
          Map.entry("ini", "text file"),
          Map.entry("wav", "audio"),
          Map.entry("mp3", "audio"));

  private OtherFormats() {}

  /**
   * Why this file is skipped, e.g. "TGA image (a format not indexed)", "Photoshop (PSD) image (a
   * format not indexed)", "video", or "not an image of a supported format".
   */
  public static String reason(byte[] head, String fileName) {
    String byContent = byContent(head);
    if (byContent != null) {
      return byContent + " image (a format not indexed)";
    }
    int dot = fileName.lastIndexOf('.');
    String ext = dot < 0 ? "" : fileName.substring(dot + 1).toLowerCase(Locale.ROOT);
    if (IMAGE_EXTENSIONS.containsKey(ext)) {
      return IMAGE_EXTENSIONS.get(ext) + " image (a format not indexed)";
    }
    return OTHER_EXTENSIONS.getOrDefault(ext, "not an image of a supported format");
  }

  private static String byContent(byte[] b) {
    if (starts(b, 0, "8BPS")) return "Photoshop (PSD)";
    if (starts(b, 0, "DDS ")) return "DDS";
    if (starts(b, 4, "jP  ") || starts(b, 0, "\u00ffO\u00ffQ")) return "JPEG 2000";
    if (starts(b, 0, "\u00ff\n") || starts(b, 4, "JXL ")) return "JPEG XL";
    if (starts(b, 0, "qoif")) return "QOI";
    if (starts(b, 0, "icns")) return "ICNS";
    if (starts(b, 0, "gimp xcf")) return "GIMP (XCF)";
    if (starts(b, 0, "\u0076\u002f\u0031\u0001")) return "OpenEXR";
    if (starts(b, 0, "SIMPLE  =")) return "FITS";
    if (starts(b, 0, "%!PS-Adobe") || starts(b, 0, "\u00c5\u00d0\u00d3\u00c6")) return "EPS";
    if (b.length >= 3 && b[0] == 'P' && b[1] >= '1' && b[1] <= '7' && Character.isWhitespace(b[2]))
      return "PNM";
    if (b.length >= 2 && (b[0] & 0xff) == 0x01 && (b[1] & 0xff) == 0xDA) return "SGI";
    if (b.length >= 4 && b[0] == 0x0A && (b[1] & 0xff) <= 5 && b[2] == 1) return "PCX";
    if (starts(b, 0, "BLP1") || starts(b, 0, "BLP2")) return "BLP";
    return null;
  }

  private static boolean starts(byte[] b, int offset, String s) {
    if (b.length < offset + s.length()) return false;
    for (int i = 0; i < s.length(); i++) {
      if ((b[offset + i] & 0xff) != s.charAt(i)) return false;
    }
    return true;
  }
}
