package dss.web;

import io.javalin.http.Context;
import io.javalin.http.Handler;

/** {@code GET /api/search?id=ID}: the images nearest to an indexed one, by its stored vector (no model run). */
final class IdSearchHandler implements Handler {
  private final Library library;

  IdSearchHandler(Library library) {
    this.library = library;
  }

  @Override public void handle(Context ctx) throws Exception {
    long start = System.nanoTime();
    String id = ctx.queryParam("id");
    if (id == null || id.isBlank()) {
      throw ApiException.badRequest("query parameter 'id' is required (or POST an image to /api/search)");
    }
    int k = Params.k(ctx);
    Float maxDistance = Params.distance(ctx, "max_distance");
    String pathPrefix = Params.string(ctx, "path_prefix");
    var hits = library.search(s -> {
      float[] vector = s.vector(id).orElseThrow(() -> ApiException.notFound("no indexed image with id '" + id + "'"));
      return s.knn(vector, k, maxDistance, pathPrefix);
    });
    double took = Views.millisSince(start);
    ctx.json(new Views.SearchResponse(Views.results(hits), took, new Views.Timings(0, 0, took)));
  }
}
