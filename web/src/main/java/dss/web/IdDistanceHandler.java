package dss.web;

import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import io.javalin.http.Handler;

/**
 * {@code GET /api/distance?a=ID&b=ID}: the distance of two indexed images from their stored vectors
 * (no model run), and per branch for a model whose manifest records its layout: why a result
 * matched.
 */
final class IdDistanceHandler implements Handler {
  private final ServerContext server;

  IdDistanceHandler(ServerContext server) {
    this.server = server;
  }

  @Override
  public void handle(Context ctx) throws Exception {
    String a = required(ctx, "a");
    String b = required(ctx, "b");
    ctx.json(ApiJson.distance(server.search().explainIds(a, b)));
  }

  private static String required(Context ctx, String name) {
    String id = Params.string(ctx, name);
    if (id == null) {
      throw new BadRequestResponse(
          "query parameter '"
              + name
              + "' (an indexed image's id) is required (or POST"
              + " two images to /api/distance)");
    }
    return id;
  }
}
