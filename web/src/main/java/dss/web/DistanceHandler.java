package dss.web;

import io.javalin.http.Context;
import io.javalin.http.Handler;

/**
 * {@code POST /api/distance}: the DreamSim distance (1 - cosine of the unit embeddings) of two
 * images, and per branch for a model whose manifest records its layout. Each side is an upload
 * (multipart {@code a}, {@code b}) or, when the query names it ({@code ?a=ID}, {@code ?b=ID}), an
 * indexed image's stored vector: an upload can be explained against a search result.
 */
final class DistanceHandler implements Handler {
  private final ServerContext server;
  private final Uploads uploads;

  DistanceHandler(ServerContext server, Uploads uploads) {
    this.server = server;
    this.uploads = uploads;
  }

  @Override
  public void handle(Context ctx) throws Exception {
    // both sides read (and refused) before the model runs for either
    Side a = side(ctx, "a");
    Side b = side(ctx, "b");
    ctx.json(ApiJson.distance(server.search().explain(vector(a), vector(b))));
  }

  /** An indexed id, or an upload. */
  private record Side(String id, Uploads.Upload upload) {}

  private Side side(Context ctx, String name) {
    String id = Params.string(ctx, name);
    return id != null ? new Side(id, null) : new Side(null, uploads.field(ctx, name));
  }

  private float[] vector(Side side) throws Exception {
    if (side.id() != null) return server.search().storedVector(side.id());
    return server.search().embedding(side.upload().bytes(), side.upload().name());
  }
}
