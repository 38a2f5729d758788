package dss.web;

import io.javalin.http.Context;
import io.javalin.http.Handler;

/**
 * {@code POST /api/search}: the library images nearest to an uploaded one (multipart {@code image}
 * or raw body).
 */
final class UploadSearchHandler implements Handler {
  private final ServerContext server;
  private final Uploads uploads;
  private final Metrics metrics;

  UploadSearchHandler(ServerContext server, Uploads uploads, Metrics metrics) {
    this.server = server;
    this.uploads = uploads;
    this.metrics = metrics;
  }

  @Override
  public void handle(Context ctx) throws Exception {
    long start = System.nanoTime();
    var options = Params.knnOptions(ctx);
    Uploads.Upload upload = uploads.imageOrBody(ctx, "image");
    var result = server.search().byImage(upload.bytes(), upload.name(), options);
    metrics.embedding(result.decodeMs(), result.modelMs());
    ctx.json(ApiJson.response(result, start, server.folders()));
  }
}
