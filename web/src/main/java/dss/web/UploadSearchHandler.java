package dss.web;

import io.javalin.http.Context;
import io.javalin.http.Handler;

/** {@code POST /api/search}: the library images nearest to an uploaded one (multipart {@code image} or raw body). */
final class UploadSearchHandler implements Handler {
  private final Library library;
  private final Uploads uploads;
  private final QueryImages queries;

  UploadSearchHandler(Library library, Uploads uploads, QueryImages queries) {
    this.library = library;
    this.uploads = uploads;
    this.queries = queries;
  }

  @Override public void handle(Context ctx) throws Exception {
    long start = System.nanoTime();
    int k = Params.k(ctx);
    Float maxDistance = Params.distance(ctx, "max_distance");
    String pathPrefix = Params.string(ctx, "path_prefix");
    Library.Embedded query = queries.embed(uploads.imageOrBody(ctx, "image"));
    long searchStart = System.nanoTime();
    var hits = library.search(s -> s.knn(query.vector(), k, maxDistance, pathPrefix));
    double searchMs = Views.millisSince(searchStart);
    ctx.json(new Views.SearchResponse(Views.results(hits), Views.millisSince(start),
        new Views.Timings(Views.round2(query.decodeMs()), Views.round2(query.modelMs()), searchMs)));
  }
}
