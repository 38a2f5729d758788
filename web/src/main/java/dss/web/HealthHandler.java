package dss.web;

import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.util.Map;

/** {@code GET /api/health}: the server is up and its index is readable. */
final class HealthHandler implements Handler {
  private final Library library;

  HealthHandler(Library library) {
    this.library = library;
  }

  @Override public void handle(Context ctx) throws Exception {
    int images = library.search(s -> s.count());
    ctx.json(Map.of("status", "ok", "images", images));
  }
}
