package dss.web;

import dss.index.ImageRecord;
import dss.index.LibraryIndex;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.util.Map;

/** {@code DELETE /api/images/{id}} (token required): removes an image from the index; its file is left alone. */
final class DeleteImageHandler implements Handler {
  private final Library library;

  DeleteImageHandler(Library library) {
    this.library = library;
  }

  @Override public void handle(Context ctx) throws Exception {
    LibraryIndex index = library.writer().orElseThrow(() -> new ApiException(409,
        "this server serves the index read-only (another process is writing it): remove images there"));
    ImageRecord image = library.require(ctx.pathParam("id"));
    index.delete(image.id());
    index.commit();
    library.refreshNow();
    ctx.json(Map.of("deleted", image.id()));
  }
}
