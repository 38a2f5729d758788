package dss.web;

import dss.ingest.ImageEdits;
import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.util.Map;

/**
 * {@code POST /api/images} (token required): stores an uploaded image under the server's upload
 * folder, as {@code path} (a relative file name, optional; default: its content hash) and indexes
 * it, through the engine's {@link ImageEdits} (which leaves no file behind when the image is bad or
 * indexing fails).
 */
final class AddImageHandler implements Handler {
  private final ServerContext server;
  private final Uploads uploads;
  private final ImageEdits edits;

  AddImageHandler(ServerContext server, Uploads uploads, ImageEdits edits) {
    this.server = server;
    this.uploads = uploads;
    this.edits = edits;
  }

  @Override
  public void handle(Context ctx) throws Exception {
    server.writableIndex("add images");
    Uploads.Upload upload = uploads.field(ctx, "image");
    String requested = ctx.formParam("path"); // the multipart body parsed fine above
    ImageEdits.Added added;
    try {
      added =
          edits.add(
              upload.bytes(),
              upload.name(),
              requested == null || requested.isEmpty() ? null : requested);
    } catch (ImageEdits.Refused e) {
      throw new BadRequestResponse(e.getMessage());
    }
    var record = added.record();
    ctx.status(201)
        .json(
            Map.of(
                "id",
                record.id(),
                "path",
                record.path(),
                "width",
                record.width(),
                "height",
                record.height(),
                "thumbnail",
                ApiJson.thumbnailUrl(record)));
  }
}
