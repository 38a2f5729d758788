package dss.web;

import dss.model.ModelInfo;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/** {@code GET /api/stats}: library size, model, device and indexing progress (the page's status line). */
final class StatsHandler implements Handler {
  private final Library library;
  private final long maxUploadBytes;
  private final Supplier<Object> indexing;

  StatsHandler(Library library, long maxUploadBytes, Supplier<Object> indexing) {
    this.library = library;
    this.maxUploadBytes = maxUploadBytes;
    this.indexing = indexing;
  }

  @Override public void handle(Context ctx) throws Exception {
    ModelInfo model = library.embedder().info();
    Map<String, Object> stats = new LinkedHashMap<>();
    stats.put("images", library.search(s -> s.count()));
    stats.put("model", Map.of("name", model.name(), "variant", String.valueOf(model.variant()),
        "dimensions", model.dimensions()));
    stats.put("device", library.embedder().device());
    stats.put("read_only", library.readOnly());
    stats.put("max_upload_bytes", maxUploadBytes);
    stats.put("indexing", indexing.get());
    ctx.json(stats);
  }
}
