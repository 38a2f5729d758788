package dss.web;

import dss.index.ImageIndex;
import dss.index.ImageRecord;
import dss.search.UnknownImageException;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.util.Map;

/** {@code DELETE /api/images/{id}} (token required): removes an image from the index; its file is left alone. */
final class DeleteImageHandler implements Handler {
  private final ServerContext server;

  DeleteImageHandler(ServerContext server) {
    this.server = server;
  }

  @Override public void handle(Context ctx) throws Exception {
    ImageIndex index = server.writableIndex("remove images");
    String id = ctx.pathParam("id");
    ImageRecord image = index.get(id).orElseThrow(() -> new UnknownImageException(id));
    index.delete(image.id());
    index.commit();
    ctx.json(Map.of("deleted", image.id()));
  }
}
