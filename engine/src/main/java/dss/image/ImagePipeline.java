package dss.image;

import java.awt.image.BufferedImage;
import java.nio.file.Path;

/**
 * file -> decoded, oriented RGB -> DreamSim preprocess tensor. Thread-safe; one instance per process is enough.
 * (Contract stub: implemented by the foundation issue.)
 */
public final class ImagePipeline {
  public static final int SIZE = 224;
  public static final long DEFAULT_MAX_PIXELS = 100_000_000L;

  private final long maxPixels;

  public ImagePipeline() {
    this(DEFAULT_MAX_PIXELS);
  }

  public ImagePipeline(long maxPixels) {
    this.maxPixels = maxPixels;
  }

  public long maxPixels() {
    return maxPixels;
  }

  /** Decodes by content, applies EXIF orientation, refuses bombs before decoding, and preprocesses. */
  public PreparedImage prepare(Path file) throws ImageException {
    throw new UnsupportedOperationException("not built yet");
  }

  /** Same as {@link #prepare(Path)} for bytes in memory (uploads); {@code name} is used in error messages. */
  public PreparedImage prepare(byte[] bytes, String name) throws ImageException {
    throw new UnsupportedOperationException("not built yet");
  }

  /** Decoded, EXIF-oriented RGB image whose longer side is at most about {@code maxSide} (for thumbnails). */
  public BufferedImage decodeOriented(Path file, int maxSide) throws ImageException {
    throw new UnsupportedOperationException("not built yet");
  }

  /** Image format recognised from the first bytes of a file ("jpeg", "png", ...), or null when not an image. */
  public static String sniffFormat(byte[] head) {
    throw new UnsupportedOperationException("not built yet");
  }
}
