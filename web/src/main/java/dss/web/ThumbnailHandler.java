package dss.web;

import dss.image.ImageException;
import dss.index.ImageRecord;
import dss.search.UnknownImageException;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.nio.file.Files;
import java.nio.file.Path;

/** {@code GET /api/images/{id}/thumbnail?size=N}: a JPEG thumbnail (longer side N, default 256), cached on disk. */
final class ThumbnailHandler implements Handler {
  private final ServerContext server;
  private final IndexedFiles files;
  private final ThumbnailCache cache;

  ThumbnailHandler(ServerContext server, IndexedFiles files, ThumbnailCache cache) {
    this.server = server;
    this.files = files;
    this.cache = cache;
  }

  @Override public void handle(Context ctx) throws Exception {
    int size = Params.intParam(ctx, "size", 256, 16, 1024);
    String id = ctx.pathParam("id");
    ImageRecord image = server.index().get(id).orElseThrow(() -> new UnknownImageException(id));
    files.check(image);
    Path thumbnail;
    try {
      thumbnail = cache.get(image, size);
    } catch (ImageException e) {
      // The reason alone: the exception's full message names the file's local path.
      throw new ApiException(500, "thumbnail of image '" + ApiException.clip(image.id()) + "' failed: " + e.reason());
    }
    ctx.header("Cache-Control", "public, max-age=86400");
    ctx.contentType("image/jpeg").result(Files.readAllBytes(thumbnail));
  }
}
