package dss.image;

import java.io.IOException;
import java.net.URL;
import java.util.Locale;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.imgcodecs.Imgcodecs;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OpenCV's bundled codecs, the same libraries Pillow uses: libjpeg-turbo (bit-identical output at
 * full size) and libwebp. For JPEG this is also the fast path: decoding straight to 1/2, 1/4 or 1/8
 * size by scaling the inverse DCT, so a 12 MP photo never exists at full size in memory. EXIF
 * orientation is left to the caller. Thread-safe. Unavailable (with one log line) when OpenCV's
 * native library cannot load on this platform.
 */
final class OpenCvDecoder {
  private static final Logger LOG = LoggerFactory.getLogger(OpenCvDecoder.class);
  private static final boolean AVAILABLE = load();

  /**
   * The JPEG side as a {@link JpegDecoder}: the fallback when the system's TurboJPEG cannot be
   * used.
   */
  static final JpegDecoder JPEG =
      new JpegDecoder() {
        @Override
        public RgbImage decode(byte[] jpeg, int reduction, String name) throws ImageException {
          return OpenCvDecoder.decode(jpeg, "jpeg", reduction, name);
        }

        @Override
        public String description() {
          return "opencv (bundled libjpeg-turbo, no SIMD)";
        }
      };

  private OpenCvDecoder() {}

  private static boolean load() {
    try {
      String path = bundledLibrary();
      URL bundled = path == null ? null : OpenCvDecoder.class.getResource(path);
      if (bundled != null) {
        try {
          System.load(NativeLibraryCache.extract(bundled, NativeLibraryCache.folder()).toString());
          return true;
        } catch (IOException | UnsatisfiedLinkError e) {
          LOG.debug(
              "OpenCV from the cache folder failed ({}); its own loader instead", e.toString());
        }
      }
      nu.pattern.OpenCV.loadLocally(); // a platform we do not name, or no writable cache folder
      return true;
    } catch (
        Throwable
            e) { // UnsatisfiedLinkError or the loader's own exceptions: fall back, do not crash
      LOG.warn(
          "OpenCV native library unavailable ({}); JPEG and WebP decode through ImageIO (slower, WebP not"
              + " bit-identical to Pillow)",
          e.toString());
      return false;
    }
  }

  /**
   * Where the openpnp jar keeps the library for this platform (Linux and macOS on x86-64 and ARM
   * 64-bit), or null for another platform. The name is that of the pinned OpenCV (4.9.0): another
   * version's jar has no such entry, and its own loader is used ({@code Core.NATIVE_LIBRARY_NAME}
   * would give the name, but reading it runs native code before the library is loaded).
   */
  private static String bundledLibrary() {
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch", "");
    String osDir = os.startsWith("linux") ? "linux" : os.startsWith("mac") ? "osx" : null;
    String archDir =
        switch (arch) {
          case "amd64", "x86_64" -> "x86_64";
          case "aarch64" -> "ARMv8";
          default -> null;
        };
    if (osDir == null || archDir == null) return null;
    return "/nu/pattern/opencv/"
        + osDir
        + "/"
        + archDir
        + "/"
        + System.mapLibraryName("opencv_java490");
  }

  static boolean available() {
    return AVAILABLE;
  }

  /**
   * Decodes the first image at 1/{@code reduction} of the full size (1, 2, 4 or 8, JPEG only; each
   * side rounded up). Alpha is dropped, grey replicated.
   */
  static RgbImage decode(byte[] bytes, String format, int reduction, String name)
      throws ImageException {
    int mode =
        switch (reduction) {
          case 1 -> Imgcodecs.IMREAD_COLOR;
          case 2 -> Imgcodecs.IMREAD_REDUCED_COLOR_2;
          case 4 -> Imgcodecs.IMREAD_REDUCED_COLOR_4;
          case 8 -> Imgcodecs.IMREAD_REDUCED_COLOR_8;
          default -> throw new IllegalArgumentException("reduction " + reduction);
        };
    MatOfByte buffer = new MatOfByte(bytes);
    Mat bgr = null;
    try {
      bgr = Imgcodecs.imdecode(buffer, mode | Imgcodecs.IMREAD_IGNORE_ORIENTATION);
      if (bgr.empty() || bgr.channels() != 3) {
        throw new ImageException(
            name, "corrupt or truncated " + format + " image (the decoder could not read it)");
      }
      RgbImage out = new RgbImage(bgr.cols(), bgr.rows());
      byte[] px = out.rgb();
      bgr.get(0, 0, px);
      for (int i = 0; i < px.length; i += 3) { // BGR -> RGB
        byte b = px[i];
        px[i] = px[i + 2];
        px[i + 2] = b;
      }
      return out;
    } catch (RuntimeException e) { // CvException on malformed data
      throw new ImageException(
          name, "corrupt or truncated " + format + " image (" + e.getMessage() + ")", e);
    } finally {
      buffer.release();
      if (bgr != null) {
        bgr.release();
      }
    }
  }
}
