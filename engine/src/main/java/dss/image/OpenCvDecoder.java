package dss.image;

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
      nu.pattern.OpenCV.loadLocally();
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
