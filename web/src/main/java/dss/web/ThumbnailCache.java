package dss.web;

import dss.image.ImageException;
import dss.image.ImagePipeline;
import dss.index.ImageRecord;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/**
 * JPEG thumbnails of indexed images, EXIF-oriented, made on first request and kept on disk. The file name carries
 * the content hash, so a changed original gets a new thumbnail and stale ones are never served.
 */
final class ThumbnailCache {
  private final Path dir;
  private final ImagePipeline pipeline;

  ThumbnailCache(Path dir, ImagePipeline pipeline) throws IOException {
    this.dir = Files.createDirectories(dir);
    this.pipeline = pipeline;
  }

  /** The cached thumbnail file of {@code image} whose longer side is at most {@code size} pixels. */
  Path get(ImageRecord image, int size) throws ImageException, IOException {
    String hash = image.hash() == null ? "nohash" : image.hash().substring(0, Math.min(16, image.hash().length()));
    Path file = dir.resolve(safe(image.id()) + "-" + hash + "-" + size + ".jpg");
    if (Files.isRegularFile(file)) return file;
    BufferedImage thumbnail = fit(pipeline.decodeOriented(Path.of(image.path()), size), size);
    // Write aside and move into place: concurrent requests never see a half-written file.
    Path tmp = Files.createTempFile(dir, "thumb", ".tmp");
    try (OutputStream out = Files.newOutputStream(tmp)) {
      writeJpeg(thumbnail, out);
    }
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    return file;
  }

  private static BufferedImage fit(BufferedImage image, int size) {
    int longer = Math.max(image.getWidth(), image.getHeight());
    if (longer <= size && image.getType() == BufferedImage.TYPE_INT_RGB) return image;
    double scale = Math.min(1.0, size / (double) longer);
    int w = Math.max(1, (int) Math.round(image.getWidth() * scale));
    int h = Math.max(1, (int) Math.round(image.getHeight() * scale));
    BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
    g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
    g.drawImage(image, 0, 0, w, h, null);
    g.dispose();
    return out;
  }

  private static void writeJpeg(BufferedImage image, OutputStream out) throws IOException {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    try (ImageOutputStream stream = ImageIO.createImageOutputStream(out)) {
      ImageWriteParam param = writer.getDefaultWriteParam();
      param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      param.setCompressionQuality(0.85f);
      writer.setOutput(stream);
      writer.write(null, new IIOImage(image, null, null), param);
    } finally {
      writer.dispose();
    }
  }

  /** Ids come from the index, but they become file names here: keep only harmless characters. */
  private static String safe(String id) {
    return id.replaceAll("[^A-Za-z0-9_-]", "_");
  }
}
