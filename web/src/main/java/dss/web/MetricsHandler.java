package dss.web;

import io.javalin.http.Context;
import io.javalin.http.Handler;

/** {@code GET /metrics}: Prometheus text format. */
final class MetricsHandler implements Handler {
  private final ServerContext server;
  private final Metrics metrics;

  MetricsHandler(ServerContext server, Metrics metrics) {
    this.server = server;
    this.metrics = metrics;
  }

  @Override
  public void handle(Context ctx) throws Exception {
    ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape());
  }
}
