package dss.web;

import dss.index.ImageRecord;
import dss.index.IndexSchema;
import dss.index.LibraryIndex;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;

/**
 * {@code POST /api/images} (token required): stores an uploaded image under the server's upload folder, as
 * {@code path} (a relative file name, optional; default: its content hash) and indexes it. The image is decoded and
 * embedded before anything is written, so a bad upload leaves no file behind.
 */
final class AddImageHandler implements Handler {
  private final Library library;
  private final Uploads uploads;
  private final Path uploadDir;

  AddImageHandler(Library library, Uploads uploads, Path uploadDir) {
    this.library = library;
    this.uploads = uploads;
    this.uploadDir = uploadDir.toAbsolutePath().normalize();
  }

  @Override public void handle(Context ctx) throws Exception {
    LibraryIndex index = library.writer().orElseThrow(() -> new ApiException(409,
        "this server serves the index read-only (another process is writing it): add images there"));
    Uploads.Upload upload = uploads.field(ctx, "image");
    Library.Embedded embedded = library.embed(upload.bytes(), upload.name());
    String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(upload.bytes()));
    String requested = ctx.formParam("path"); // the multipart body parsed fine above
    Path target = target(requested == null || requested.isEmpty() ? null : requested, hash, embedded.format());
    Files.createDirectories(target.getParent());
    Files.write(target, upload.bytes());
    ImageRecord record = new ImageRecord(IndexSchema.idFor(target.toString()), target.toString(), hash,
        upload.bytes().length, Files.getLastModifiedTime(target).toMillis(), embedded.width(), embedded.height(),
        embedded.format(), System.currentTimeMillis());
    index.upsert(record, embedded.vector());
    index.commit();
    library.refreshNow();
    ctx.status(201).json(Map.of("id", record.id(), "path", record.path(), "width", record.width(),
        "height", record.height(), "thumbnail", Views.thumbnailUrl(record)));
  }

  /** The file to write: a client-chosen relative name must stay inside the upload folder. */
  private Path target(String requested, String hash, String format) {
    if (requested == null) return uploadDir.resolve(hash.substring(0, 16) + "." + format);
    ApiException refused = ApiException.badRequest("path must be a relative file name inside the upload folder, got '"
        + (requested.length() <= 80 ? requested : requested.substring(0, 80) + "...") + "'");
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
