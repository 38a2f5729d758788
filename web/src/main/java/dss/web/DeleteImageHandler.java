package dss.web;

import dss.index.ImageRecord;
import dss.ingest.ImageEdits;
import dss.search.UnknownImageException;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.util.Map;

/**
 * {@code DELETE /api/images/{id}} (token required): removes an image from the index; its file is
 * left alone.
 */
final class DeleteImageHandler implements Handler {
  private final ServerContext server;
  private final ImageEdits edits;

  DeleteImageHandler(ServerContext server, ImageEdits edits) {
    this.server = server;
    this.edits = edits;
  }

  @Override
  public void handle(Context ctx) throws Exception {
    server.writableIndex("remove images");
    String id = ctx.pathParam("id");
    ImageRecord image = edits.remove(id).orElseThrow(() -> new UnknownImageException(id));
    ctx.json(Map.of("deleted", image.id()));
  }
}
