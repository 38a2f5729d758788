package dss.web;

import dss.index.ImageRecord;
import dss.search.UnknownImageException;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * {@code GET /api/images/{id}}: the original file of an indexed image. Files are found only through the index by
 * id, never from a path in the request, so nothing outside the library can be read.
 */
final class ImageFileHandler implements Handler {
  private static final Map<String, String> CONTENT_TYPES = Map.of("jpeg", "image/jpeg", "png", "image/png",
      "webp", "image/webp", "gif", "image/gif", "bmp", "image/bmp", "tiff", "image/tiff");

  private final ServerContext server;

  ImageFileHandler(ServerContext server) {
    this.server = server;
  }

  @Override public void handle(Context ctx) throws Exception {
    String id = ctx.pathParam("id");
    ImageRecord image = server.index().get(id).orElseThrow(() -> new UnknownImageException(id));
    Path file = Path.of(image.path());
    if (!Files.isRegularFile(file)) {
      throw ApiException.notFound("image '" + ApiException.clip(image.id()) + "' is indexed but its file is no longer there");
    }
    String type = CONTENT_TYPES.getOrDefault(String.valueOf(image.format()).toLowerCase(), "application/octet-stream");
    ctx.writeSeekableStream(Files.newInputStream(file), type, Files.size(file));
  }
}
