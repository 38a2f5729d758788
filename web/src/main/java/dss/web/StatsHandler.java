package dss.web;

import dss.model.ModelInfo;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code GET /api/stats}: library size, model, device and indexing progress (the page's status
 * line).
 */
final class StatsHandler implements Handler {
  private final ServerContext server;
  private final long maxUploadBytes;
  private final Supplier<Object> indexing;

  StatsHandler(ServerContext server, long maxUploadBytes, Supplier<Object> indexing) {
    this.server = server;
    this.maxUploadBytes = maxUploadBytes;
    this.indexing = indexing;
  }

  @Override
  public void handle(Context ctx) throws Exception {
    ModelInfo model = server.ingest().embedder().info();
    Map<String, Object> stats = new LinkedHashMap<>();
    stats.put("images", server.index().count());
    stats.put(
        "model",
        Map.of(
            "name",
            model.name(),
            "variant",
            String.valueOf(model.variant()),
            "dimensions",
            model.dimensions()));
    stats.put("device", server.ingest().embedder().device());
    stats.put("read_only", server.index().readOnly());
    stats.put("max_upload_bytes", maxUploadBytes);
    stats.put("indexing", indexing.get());
    ctx.json(stats);
  }
}
