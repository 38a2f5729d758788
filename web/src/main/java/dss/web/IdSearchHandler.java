package dss.web;

import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import io.javalin.http.Handler;

/** {@code GET /api/search?id=ID}: the images nearest to an indexed one, by its stored vector (no model run). */
final class IdSearchHandler implements Handler {
  private final ServerContext server;

  IdSearchHandler(ServerContext server) {
    this.server = server;
  }

  @Override public void handle(Context ctx) throws Exception {
    long start = System.nanoTime();
    String id = ctx.queryParam("id");
    if (id == null || id.isBlank()) {
      throw new BadRequestResponse("query parameter 'id' is required (or POST an image to /api/search)");
    }
    ctx.json(ApiJson.response(server.search().byId(id, Params.knnOptions(ctx)), start));
  }
}
