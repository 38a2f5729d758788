package dss.web;

import dss.search.DuplicateFinder;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.util.Map;

/**
 * {@code POST /api/duplicates}: "is this photo already in my library?" The indexed images within
 * {@code threshold} (DreamSim distance, default the calibrated {@link
 * DuplicateFinder#DEFAULT_THRESHOLD}) of an upload, nearest first.
 */
final class NearDuplicatesHandler implements Handler {
  static final int DEFAULT_K = 100;

  private final ServerContext server;
  private final Uploads uploads;

  NearDuplicatesHandler(ServerContext server, Uploads uploads) {
    this.server = server;
    this.uploads = uploads;
  }

  @Override
  public void handle(Context ctx) throws Exception {
    Float given = Params.distance(ctx, "threshold");
    float threshold = given == null ? DuplicateFinder.DEFAULT_THRESHOLD : given;
    int k = Params.intParam(ctx, "k", DEFAULT_K, 1, Params.MAX_K);
    Uploads.Upload upload = uploads.imageOrBody(ctx, "image");
    var hits = server.search().nearDuplicates(upload.bytes(), upload.name(), threshold, k);
    ctx.json(Map.of("threshold", threshold, "results", ApiJson.results(hits, server.folders())));
  }
}
