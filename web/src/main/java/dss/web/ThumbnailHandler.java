package dss.web;

import dss.image.ImageException;
import dss.index.ImageRecord;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.InternalServerErrorResponse;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code GET /api/images/{id}/thumbnail?size=N}: a JPEG thumbnail whose longer side is N rounded up
 * to one of {@link ThumbnailCache#SIZES} (default 256), cached on disk by content, with an ETag
 * (content hash and size) that answers {@code If-None-Match} with 304. The original is checked
 * first ({@link IndexedFiles}): a file that is gone or changed gets no thumbnail, cached or not.
 */
final class ThumbnailHandler implements Handler {
  /**
   * Private: a thumbnail shows a photo of someone's library. Short: after a re-index the ETag
   * changes.
   */
  static final String CACHE_CONTROL = "private, max-age=300";

  private final ServerContext server;
  private final IndexedFiles files;
  private final ThumbnailCache cache;

  ThumbnailHandler(ServerContext server, IndexedFiles files, ThumbnailCache cache) {
    this.server = server;
    this.files = files;
    this.cache = cache;
  }

  @Override
  public void handle(Context ctx) throws Exception {
    int size = ThumbnailCache.standardSize(Params.intParam(ctx, "size", 256, 16, 1024));
    String id = ctx.pathParam("id");
    ImageRecord image = server.search().image(id);
    files.check(image);
    String etag = "\"" + ThumbnailCache.hash(image) + "-" + size + "\"";
    if (matches(ctx.header("If-None-Match"), etag)) {
      ctx.header("ETag", etag).header("Cache-Control", CACHE_CONTROL).status(304);
      return;
    }
    Path thumbnail;
    try {
      thumbnail = cache.get(image, size);
    } catch (ImageException e) {
      // The reason alone: the exception's full message names a local path.
      throw new InternalServerErrorResponse(
          "thumbnail of image '" + ErrorMapping.clip(image.id()) + "' failed: " + e.reason());
    }
    ctx.header("ETag", etag).header("Cache-Control", CACHE_CONTROL);
    ctx.contentType("image/jpeg").result(Files.readAllBytes(thumbnail));
  }

  /** {@code If-None-Match}: a list of ETags (weak ones compare equal for GET), or {@code *}. */
  static boolean matches(String ifNoneMatch, String etag) {
    if (ifNoneMatch == null) return false;
    for (String candidate : ifNoneMatch.split(",")) {
      String tag = candidate.trim();
      if (tag.startsWith("W/")) tag = tag.substring(2);
      if (tag.equals(etag) || tag.equals("*")) return true;
    }
    return false;
  }
}
