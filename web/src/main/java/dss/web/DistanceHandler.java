package dss.web;

import io.javalin.http.Context;
import io.javalin.http.Handler;

/**
 * {@code POST /api/distance}: the DreamSim distance (1 - cosine of the unit embeddings) of uploads {@code a},
 * {@code b}, and per branch for a model whose manifest records its layout.
 */
final class DistanceHandler implements Handler {
  private final ServerContext server;
  private final Uploads uploads;

  DistanceHandler(ServerContext server, Uploads uploads) {
    this.server = server;
    this.uploads = uploads;
  }

  @Override public void handle(Context ctx) throws Exception {
    Uploads.Upload a = uploads.field(ctx, "a");
    Uploads.Upload b = uploads.field(ctx, "b");
    ctx.json(ApiJson.distance(server.search().explain(a.bytes(), a.name(), b.bytes(), b.name())));
  }
}
