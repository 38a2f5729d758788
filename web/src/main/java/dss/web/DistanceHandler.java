package dss.web;

import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.util.Map;

/** {@code POST /api/distance}: the DreamSim distance (1 - cosine of the unit embeddings) of uploads {@code a}, {@code b}. */
final class DistanceHandler implements Handler {
  private final Uploads uploads;
  private final QueryImages queries;

  DistanceHandler(Uploads uploads, QueryImages queries) {
    this.uploads = uploads;
    this.queries = queries;
  }

  @Override public void handle(Context ctx) throws Exception {
    Uploads.Upload a = uploads.field(ctx, "a");
    Uploads.Upload b = uploads.field(ctx, "b");
    float[] va = queries.embed(a).vector();
    float[] vb = queries.embed(b).vector();
    double dot = 0;
    for (int i = 0; i < va.length; i++) dot += va[i] * vb[i];
    ctx.json(Map.of("distance", (float) (1 - dot)));
  }
}
