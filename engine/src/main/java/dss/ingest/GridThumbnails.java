package dss.ingest;

import java.awt.image.BufferedImage;
import java.io.IOException;

/**
 * Where a library run puts the grid thumbnail of each image it decodes for the model, made from the
 * pixels already decoded (no second read or decode): the server's thumbnail cache, so that a first
 * visit of a freshly indexed library finds the grid's thumbnails made.
 */
public interface GridThumbnails {
  /** The longer side of the thumbnails it keeps (pixels). */
  int side();

  /**
   * Keeps {@code thumbnail} (EXIF-oriented, longer side {@link #side()}) for the content {@code
   * hash}; called on the decode workers, concurrently. A failure costs only the thumbnail.
   */
  void store(String hash, BufferedImage thumbnail) throws IOException;
}
