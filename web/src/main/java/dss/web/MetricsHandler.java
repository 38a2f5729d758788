package dss.web;

import io.javalin.http.Context;
import io.javalin.http.Handler;

/** {@code GET /metrics}: Prometheus text format. */
final class MetricsHandler implements Handler {
  private final Library library;
  private final Metrics metrics;

  MetricsHandler(Library library, Metrics metrics) {
    this.library = library;
    this.metrics = metrics;
  }

  @Override public void handle(Context ctx) throws Exception {
    int documents = library.search(s -> s.count());
    ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.render(documents));
  }
}
