package dss.web;

import dss.index.ImageRecord;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.util.Locale;
import java.util.Map;

/**
 * {@code GET /api/images/{id}}: the original file of an indexed image. Files are found only through
 * the index by id, never from a path in the request, and served only after {@link IndexedFiles}
 * checked them: a regular file, not a link, unchanged since it was indexed.
 */
final class ImageFileHandler implements Handler {
  private static final Map<String, String> CONTENT_TYPES =
      Map.of(
          "jpeg",
          "image/jpeg",
          "png",
          "image/png",
          "webp",
          "image/webp",
          "gif",
          "image/gif",
          "bmp",
          "image/bmp",
          "tiff",
          "image/tiff",
          "heic",
          "image/heic",
          "heif",
          "image/heif",
          "avif",
          "image/avif");

  private final ServerContext server;
  private final IndexedFiles files;

  ImageFileHandler(ServerContext server, IndexedFiles files) {
    this.server = server;
    this.files = files;
  }

  @Override
  public void handle(Context ctx) throws Exception {
    String id = ctx.pathParam("id");
    ImageRecord image = server.search().image(id);
    FileChannel channel = files.open(image);
    String type =
        CONTENT_TYPES.getOrDefault(
            String.valueOf(image.format()).toLowerCase(Locale.ROOT), "application/octet-stream");
    // the stream is closed once written (by Javalin)
    ctx.writeSeekableStream(Channels.newInputStream(channel), type, image.size());
  }
}
