package dss.image;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses the JPEG decoder once per process: the system's TurboJPEG (libjpeg-turbo with SIMD, the
 * library Pillow uses on Debian) through the FFM API when running on Java 22+ and the library
 * loads; else OpenCV's bundled libjpeg-turbo (same pixels, no SIMD: slower); else none (ImageIO, no
 * DCT scaling).
 *
 * <p>System property {@code dss.turbojpeg}: the library to load (default {@code libturbojpeg.so.0},
 * searched as the dynamic linker does; a path also works), or {@code false} to use OpenCV.
 */
final class JpegDecoders {
  private static final Logger LOG = LoggerFactory.getLogger(JpegDecoders.class);
  static final String TURBOJPEG_LIBRARY = "libturbojpeg.so.0";

  /**
   * The FFM class, compiled with release 22 from src/main/java22 (absent when the build ran on JDK
   * 21).
   */
  private static final String TURBO_CLASS = "dss.image.TurboJpegDecoder";

  /** Made on first use only: a {@link #select} for a probe must not fix the process-wide choice. */
  private static final class Standard {
    static final JpegDecoder DECODER =
        select(Runtime.version().feature(), System.getProperty("dss.turbojpeg", TURBOJPEG_LIBRARY));
  }

  private JpegDecoders() {}

  /**
   * The process-wide choice; null when neither TurboJPEG nor OpenCV can load (JPEG then goes
   * through ImageIO).
   */
  static JpegDecoder standard() {
    return Standard.DECODER;
  }

  /**
   * TurboJPEG from {@code library} when {@code javaFeature} >= 22 and it loads, else OpenCV when
   * available, else null. Logs one line when falling back: debug when TurboJPEG is simply absent,
   * warning when it failed to load.
   */
  static JpegDecoder select(int javaFeature, String library) {
    JpegDecoder fallback = OpenCvDecoder.available() ? OpenCvDecoder.JPEG : null;
    String instead = fallback == null ? "ImageIO" : "OpenCV";
    if (library.equals("false")) {
      LOG.debug("JPEG: TurboJPEG disabled (dss.turbojpeg=false), using {}", instead);
      return fallback;
    }
    if (javaFeature < 22) {
      LOG.debug(
          "JPEG: TurboJPEG needs Java 22+ (FFM API), this is Java {}; using {}",
          javaFeature,
          instead);
      return fallback;
    }
    Class<?> turbo;
    try {
      turbo = Class.forName(TURBO_CLASS);
    } catch (ClassNotFoundException
        | LinkageError e) { // not built (JDK 21 build), or built for a newer Java
      LOG.debug("JPEG: no usable TurboJPEG binding in this build ({}); using {}", e, instead);
      return fallback;
    }
    try {
      return (JpegDecoder) turbo.getDeclaredMethod("load", String.class).invoke(null, library);
    } catch (java.lang.reflect.InvocationTargetException e) {
      Throwable cause = e.getCause();
      if (cause
          instanceof IllegalArgumentException) { // libraryLookup: no such library on this system
        LOG.debug(
            "JPEG: {} not found (apt-get install libturbojpeg0 makes JPEG decoding faster); using {}",
            library,
            instead);
      } else {
        LOG.warn("JPEG: TurboJPEG ({}) failed to load ({}); using {}", library, cause, instead);
      }
      return fallback;
    } catch (ReflectiveOperationException | LinkageError e) {
      LOG.warn("JPEG: TurboJPEG binding unusable ({}); using {}", e, instead);
      return fallback;
    }
  }
}
