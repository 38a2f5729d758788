package dss.web;

import dss.index.ImageIndex;
import dss.index.ImageRecord;
import dss.ingest.IngestPipeline;
import dss.ingest.LibraryIndexer;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Map;

/**
 * {@code POST /api/images} (token required): stores an uploaded image under the server's upload folder, as
 * {@code path} (a relative file name, optional; default: its content hash) and indexes it. The image is decoded and
 * embedded before anything is written, so a bad upload leaves no file behind.
 */
final class AddImageHandler implements Handler {
  private final ServerContext server;
  private final Uploads uploads;
  private final Path uploadDir;

  AddImageHandler(ServerContext server, Uploads uploads, Path uploadDir) {
    this.server = server;
    this.uploads = uploads;
    this.uploadDir = uploadDir.toAbsolutePath().normalize();
  }

  @Override public void handle(Context ctx) throws Exception {
    ImageIndex index = server.writableIndex("add images");
    Uploads.Upload upload = uploads.field(ctx, "image");
    IngestPipeline.Embedded embedded = server.ingest().embed(upload.bytes(), upload.name());
    String requested = ctx.formParam("path"); // the multipart body parsed fine above
    Path target = target(requested == null || requested.isEmpty() ? null : requested, upload.bytes(),
        embedded.image().format());
    Files.createDirectories(target.getParent());
    Files.write(target, upload.bytes());
    ImageRecord record = LibraryIndexer.recordOf(target, upload.bytes(), embedded.image());
    index.upsert(record, embedded.vector());
    index.commit();
    ctx.status(201).json(Map.of("id", record.id(), "path", record.path(), "width", record.width(),
        "height", record.height(), "thumbnail", ApiJson.thumbnailUrl(record)));
  }

  /** The file to write: a client-chosen relative name must stay inside the upload folder. */
  private Path target(String requested, byte[] content, String format) {
    if (requested == null) return uploadDir.resolve(dss.util.Sha256.hex(content).substring(0, 16) + "." + format);
    ApiException refused = ApiException.badRequest("path must be a relative file name inside the upload folder, got '"
        + ApiException.clip(requested) + "'");
    Path relative;
    try {
      relative = Path.of(requested).normalize();
    } catch (InvalidPathException e) {
      throw refused;
    }
    Path target = uploadDir.resolve(relative).normalize();
    if (relative.isAbsolute() || relative.toString().isEmpty() || !target.startsWith(uploadDir)
        || target.equals(uploadDir) || requested.contains("..")) {
      throw refused;
    }
    return target;
  }
}
