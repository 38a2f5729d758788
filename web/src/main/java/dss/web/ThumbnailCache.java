package dss.web;

import dss.image.ImageException;
import dss.index.ImageRecord;
import dss.ingest.GridThumbnails;
import dss.ingest.IngestPipeline;
import dss.util.Sha256;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/**
 * JPEG thumbnails of indexed images, EXIF-oriented, in a few fixed sizes, made on first request and
 * kept on disk as {@code <content sha256>-<size>.jpg}: byte-identical files share one, a changed
 * original (a new hash once re-indexed) gets a new one, and a client cannot make the server decode
 * one image for each of many sizes.
 *
 * <p>Making one is a decode: it runs on the thumbnails' own {@link ThumbnailQueue}, where a request
 * waits for a worker (up to a deadline, then a 503), and concurrent requests for the same thumbnail
 * wait for one decode instead of each running their own.
 */
final class ThumbnailCache {
  /** The sizes made (longer side, pixels); a requested size is rounded up to the next. */
  static final int[] SIZES = {128, 256, 512, 1024};

  /** The size the page's grid asks for: made during background indexing. */
  static final int GRID_SIZE = 256;

  private final Path dir;
  private final IngestPipeline ingest;
  private final IndexedFiles files;
  private final ThumbnailQueue queue;
  private final ConcurrentMap<String, CompletableFuture<Path>> making = new ConcurrentHashMap<>();

  ThumbnailCache(Path dir, IngestPipeline ingest, IndexedFiles files, ThumbnailQueue queue)
      throws IOException {
    this.dir = Files.createDirectories(dir);
    this.ingest = ingest;
    this.files = files;
    this.queue = queue;
  }

  /** The fixed size that serves a request for {@code requested} pixels (at most the largest). */
  static int standardSize(int requested) {
    for (int size : SIZES) if (size >= requested) return size;
    return SIZES[SIZES.length - 1];
  }

  /**
   * The content hash the cache and the ETag use; a record without a proper one is treated as
   * changed.
   */
  static String hash(ImageRecord image) {
    String hash = image.hash();
    if (hash == null || !hash.matches("[0-9a-f]{64}")) throw IndexedFiles.changed(image);
    return hash;
  }

  /**
   * The cached thumbnail file of {@code image} at {@code size} (one of {@link #SIZES}), made now if
   * needed.
   *
   * @throws dss.ingest.BusyException when the queue is full or no worker became free within its
   *     deadline
   */
  Path get(ImageRecord image, int size) throws Exception {
    String key = hash(image) + "-" + size;
    Path file = dir.resolve(key + ".jpg");
    if (Files.isRegularFile(file)) return file;
    CompletableFuture<Path> mine = new CompletableFuture<>();
    CompletableFuture<Path> running = making.putIfAbsent(key, mine);
    if (running != null) {
      try {
        return running.join();
      } catch (CompletionException e) {
        throw e.getCause() instanceof Exception cause ? cause : e;
      }
    }
    try {
      Path made = queue.run(() -> make(image, size, file));
      mine.complete(made);
      return made;
    } catch (Exception | Error e) {
      mine.completeExceptionally(e);
      throw e;
    } finally {
      making.remove(key, mine);
    }
  }

  /**
   * Copies the original (opened without following links) aside while hashing it, so what is decoded
   * is exactly the content the index knows, even if the path changes meanwhile; decodes, scales and
   * stores the thumbnail.
   */
  private Path make(ImageRecord image, int size, Path file) throws IOException, ImageException {
    Path copy = Files.createTempFile(dir, "original", ".tmp");
    try {
      MessageDigest digest = Sha256.digest();
      try (FileChannel in = files.open(image);
          FileChannel out = FileChannel.open(copy, StandardOpenOption.WRITE)) {
        ByteBuffer buffer = ByteBuffer.allocate(1 << 16);
        while (in.read(buffer) > 0) {
          buffer.flip();
          digest.update(buffer.duplicate());
          while (buffer.hasRemaining()) out.write(buffer);
          buffer.clear();
        }
      }
      if (!HexFormat.of().formatHex(digest.digest()).equals(image.hash()))
        throw IndexedFiles.changed(image);
      BufferedImage thumbnail;
      try {
        thumbnail = fit(ingest.images().decodeOriented(copy, size), size);
      } catch (ImageException e) { // its reason may name the copy: a local path
        throw new ImageException(
            image.id(), e.reason().replace(copy.toString(), "the original"), e);
      } catch (OutOfMemoryError e) {
        throw new ImageException(image.id(), "not enough memory to decode it");
      }
      write(thumbnail, file);
      return file;
    } finally {
      Files.deleteIfExists(copy);
    }
  }

  /** Writes aside and moves into place: concurrent requests never see a half-written file. */
  private static void write(BufferedImage thumbnail, Path file) throws IOException {
    Path tmp = Files.createTempFile(file.getParent(), "thumb", ".tmp");
    try {
      try (OutputStream out = Files.newOutputStream(tmp)) {
        writeJpeg(thumbnail, out);
      }
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * The cache's side of background indexing: the grid's size (256), made by the indexer from the
   * pixels it decoded for the model, stored under the name a request looks for.
   */
  static GridThumbnails gridThumbnails(Path dir) throws IOException {
    Path folder = Files.createDirectories(dir);
    return new GridThumbnails() {
      @Override
      public int side() {
        return GRID_SIZE;
      }

      @Override
      public void store(String hash, BufferedImage thumbnail) throws IOException {
        Path file = folder.resolve(hash + "-" + GRID_SIZE + ".jpg");
        if (!Files.isRegularFile(file)) write(fit(thumbnail, GRID_SIZE), file);
      }
    };
  }

  private static BufferedImage fit(BufferedImage image, int size) {
    int longer = Math.max(image.getWidth(), image.getHeight());
    if (longer <= size && image.getType() == BufferedImage.TYPE_INT_RGB) return image;
    double scale = Math.min(1.0, size / (double) longer);
    int w = Math.max(1, (int) Math.round(image.getWidth() * scale));
    int h = Math.max(1, (int) Math.round(image.getHeight() * scale));
    BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    g.setRenderingHint(
        RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
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
}
