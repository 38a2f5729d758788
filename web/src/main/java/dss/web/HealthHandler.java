package dss.web;

import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.util.Map;

/** {@code GET /api/health}: the server is up and its index is readable. */
final class HealthHandler implements Handler {
  private final ServerContext server;

  HealthHandler(ServerContext server) {
    this.server = server;
  }

  @Override
  public void handle(Context ctx) throws Exception {
    long images = server.index().count();
    ctx.json(Map.of("status", "ok", "images", images));
  }
}
