package dss.image;

import java.util.Locale;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses the HEIC/HEIF/AVIF decoder once per process: the system's libheif through the FFM API
 * when running on Java 22+ and the library loads; else none, and every such file fails with a
 * reason saying what to install.
 *
 * <p>System property {@code dss.libheif}: the library to load (default {@code libheif.so.1},
 * searched as the dynamic linker does; a path also works).
 */
final class HeifDecoders {
  private static final Logger LOG = LoggerFactory.getLogger(HeifDecoders.class);
  static final String LIBRARY = "libheif.so.1";

  /**
   * The FFM class, compiled with release 22 from src/main/java22 (absent when the build ran on JDK
   * 21).
   */
  private static final String LIBHEIF_CLASS = "dss.image.LibHeifDecoder";

  /** The {@link FormatSniffer} names this decoder serves. */
  private static final Set<String> FORMATS = Set.of("heic", "heif", "avif");

  /**
   * The decoder, or why there is none ({@code missing}: a phrase completing "HEIC needs ...", e.g.
   * "libheif1: apt-get install libheif1").
   */
  record Choice(HeifDecoder decoder, String missing) {
    /** Decodes, or refuses with the reason the decoder is missing. */
    RgbImage decode(byte[] file, String format, String name, HeifDecoder.SizeCheck sizeCheck)
        throws ImageException {
      String label = format.toUpperCase(Locale.ROOT);
      if (decoder == null) {
        throw new ImageException(name, label + " needs " + missing);
      }
      try {
        return decoder.decode(file, label, name, sizeCheck);
      } catch (ImageException e) {
        // libheif 1.15 calls a valid image in a codec it lacks "non-existing": say which codec it
        // is
        String codec = HeifPrimaryItem.unsupportedCodecReason(file, label);
        if (codec != null && !e.reason().contains("too large")) {
          throw new ImageException(name, codec, e);
        }
        throw e;
      }
    }
  }

  /** Made on first use only: a {@link #select} for a probe must not fix the process-wide choice. */
  private static final class Standard {
    static final Choice CHOICE =
        select(Runtime.version().feature(), System.getProperty("dss.libheif", LIBRARY));
  }

  private HeifDecoders() {}

  // heif_error_code and heif_suberror_code values (libheif's heif.h)
  static final int HEIF_ERROR_INVALID_INPUT = 2,
      HEIF_ERROR_UNSUPPORTED_FEATURE = 4,
      HEIF_ERROR_MEMORY_ALLOCATION = 6;
  static final int HEIF_SUBERROR_END_OF_DATA = 100,
      HEIF_SUBERROR_SECURITY_LIMIT_EXCEEDED = 1000,
      HEIF_SUBERROR_UNSUPPORTED_CODEC = 3000;

  /** libheif's packages that add a decoder: HEVC (HEIC, HEIF) and AV1 (AVIF). */
  static final String HEVC_PLUGIN = "libheif-plugin-libde265", AV1_PLUGIN = "libheif-plugin-dav1d";

  /**
   * A libheif error as the file's failure: {@code code}/{@code subcode} are heif_error's, {@code
   * detail} its message. Here rather than in the FFM binding so that every Java can test it.
   */
  static ImageException failure(int code, int subcode, String detail, String label, String name) {
    if (code == HEIF_ERROR_MEMORY_ALLOCATION && subcode == HEIF_SUBERROR_SECURITY_LIMIT_EXCEEDED) {
      return new ImageException(
          name, "image too large (" + detail + ") (decompression-bomb guard)");
    }
    if (code == HEIF_ERROR_UNSUPPORTED_FEATURE && subcode == HEIF_SUBERROR_UNSUPPORTED_CODEC) {
      return new ImageException(
          name,
          "cannot decode "
              + label
              + ": this libheif has no decoder for its compression ("
              + detail
              + "); apt-get install "
              + (label.equals("AVIF") ? AV1_PLUGIN : HEVC_PLUGIN));
    }
    String what =
        subcode == HEIF_SUBERROR_END_OF_DATA
            ? "truncated " + label
            : code == HEIF_ERROR_INVALID_INPUT
                ? "corrupt " + label
                : "cannot decode " + label + " image";
    return new ImageException(name, what + " (" + detail + ")");
  }

  /** The process-wide choice. */
  static Choice standard() {
    return Standard.CHOICE;
  }

  /** True for the formats decoded here. */
  static boolean handles(String format) {
    return FORMATS.contains(format);
  }

  /**
   * libheif from {@code library} when {@code javaFeature} >= 22 and it loads; else no decoder and
   * the reason.
   */
  static Choice select(int javaFeature, String library) {
    if (javaFeature < 22) {
      LOG.debug("HEIC/AVIF: libheif needs Java 22+ (FFM API), this is Java {}", javaFeature);
      return new Choice(null, "Java 22 or newer (libheif is bound through the FFM API)");
    }
    Class<?> binding;
    try {
      binding = Class.forName(LIBHEIF_CLASS);
    } catch (ClassNotFoundException
        | LinkageError e) { // not built (JDK 21 build), or built for a newer Java
      LOG.debug("HEIC/AVIF: no libheif binding in this build ({})", e.toString());
      return new Choice(
          null, "a build made with JDK 22 or newer (this one has no libheif binding)");
    }
    try {
      return new Choice(
          (HeifDecoder) binding.getDeclaredMethod("load", String.class).invoke(null, library),
          null);
    } catch (java.lang.reflect.InvocationTargetException e) {
      Throwable cause = e.getCause();
      if (cause
          instanceof IllegalArgumentException) { // libraryLookup: no such library on this system
        LOG.debug("HEIC/AVIF: {} not found (apt-get install libheif1)", library);
        return new Choice(null, "libheif1: apt-get install libheif1");
      }
      LOG.warn("HEIC/AVIF: libheif ({}) failed to load ({})", library, cause.toString());
      return new Choice(null, "a working libheif1 (" + library + " failed to load: " + cause + ")");
    } catch (ReflectiveOperationException | LinkageError e) {
      LOG.warn("HEIC/AVIF: libheif binding unusable ({})", e.toString());
      return new Choice(null, "a working libheif binding (" + e + ")");
    }
  }
}
