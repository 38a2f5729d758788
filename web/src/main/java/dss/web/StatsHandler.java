package dss.web;

import dss.image.ImagePipeline;
import dss.index.KnnOptions;
import dss.model.ModelInfo;
import dss.search.DuplicateFinder;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code GET /api/stats}: library size, model, device and indexing progress (the page's status
 * line), the server's limits and defaults ({@code limits}: what a client must not guess) and which
 * writes it allows ({@code writes}: a token is configured; the quarantine is configured; uploads
 * can be added to the library, which also needs a writable index).
 */
final class StatsHandler implements Handler {
  private final ServerContext server;
  private final long maxUploadBytes;
  private final Supplier<Object> indexing;
  private final boolean tokenConfigured;
  private final boolean quarantineConfigured;

  StatsHandler(
      ServerContext server,
      long maxUploadBytes,
      Supplier<Object> indexing,
      boolean tokenConfigured,
      boolean quarantineConfigured) {
    this.server = server;
    this.maxUploadBytes = maxUploadBytes;
    this.indexing = indexing;
    this.tokenConfigured = tokenConfigured;
    this.quarantineConfigured = quarantineConfigured;
  }

  /** The constants of the API that the page needs (names as in docs/http-api.md). */
  private Map<String, Object> limits() {
    Map<String, Object> limits = new LinkedHashMap<>();
    limits.put("duplicate_threshold", DuplicateFinder.DEFAULT_THRESHOLD);
    limits.put("max_distance", 2.0);
    limits.put("k_default", Params.DEFAULT_K);
    limits.put("k_max", Params.MAX_K);
    limits.put("near_duplicates_k_default", NearDuplicatesHandler.DEFAULT_K);
    limits.put("candidates_max", KnnOptions.MAX_CANDIDATES);
    limits.put("page_size_default", ListingHandler.DEFAULT_PAGE_SIZE);
    limits.put("page_size_max", ListingHandler.MAX_PAGE_SIZE);
    limits.put("duplicate_groups_page_size_default", DuplicateGroupsHandler.DEFAULT_PAGE_SIZE);
    limits.put("duplicate_groups_page_size_max", DuplicateGroupsHandler.MAX_PAGE_SIZE);
    limits.put("max_upload_bytes", maxUploadBytes);
    limits.put("max_upload_pixels", server.ingest().images().maxUploadPixels());
    limits.put("model_input_side", ImagePipeline.SIZE);
    limits.put("thumbnail_sizes", ThumbnailCache.SIZES);
    limits.put("dismissal_min_ids", dss.review.Dismissals.MIN_IDS);
    return limits;
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
    stats.put("limits", limits());
    boolean writable = !server.index().readOnly();
    Map<String, Object> writes = new LinkedHashMap<>();
    writes.put("enabled", tokenConfigured);
    writes.put("quarantine", tokenConfigured && quarantineConfigured && writable);
    writes.put("add_to_library", tokenConfigured && writable);
    writes.put("dismissals", tokenConfigured);
    stats.put("writes", writes);
    ctx.json(stats);
  }
}
