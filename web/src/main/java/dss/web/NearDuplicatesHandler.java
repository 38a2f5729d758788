package dss.web;

import dss.search.DuplicateFinder;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.util.Map;

/**
 * {@code POST /api/duplicates}: "is this photo already in my library?" The indexed images within {@code threshold}
 * (DreamSim distance, default the calibrated {@link DuplicateFinder#DEFAULT_THRESHOLD}) of an upload, nearest first.
 */
final class NearDuplicatesHandler implements Handler {
  private final Library library;
  private final Uploads uploads;
  private final QueryImages queries;

  NearDuplicatesHandler(Library library, Uploads uploads, QueryImages queries) {
    this.library = library;
    this.uploads = uploads;
    this.queries = queries;
  }

  @Override public void handle(Context ctx) throws Exception {
    Float given = Params.distance(ctx, "threshold");
    float threshold = given == null ? DuplicateFinder.DEFAULT_THRESHOLD : given;
    int k = Params.intParam(ctx, "k", 100, 1, Params.MAX_K);
    Library.Embedded query = queries.embed(uploads.imageOrBody(ctx, "image"));
    var hits = library.search(s -> s.knn(query.vector(), k, threshold, null));
    ctx.json(Map.of("threshold", threshold, "results", Views.results(hits)));
  }
}
