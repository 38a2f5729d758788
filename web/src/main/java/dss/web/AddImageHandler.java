package dss.web;

import io.javalin.http.BadRequestResponse;
import io.javalin.http.HttpResponseException;
import dss.index.ImageIndex;
import dss.index.ImageRecord;
import dss.ingest.IngestPipeline;
import dss.ingest.LibraryIndexer;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api/images} (token required): stores an uploaded image under the server's upload folder, as
 * {@code path} (a relative file name, optional; default: its content hash) and indexes it. The image is decoded and
 * embedded before anything is written, so a bad upload leaves no file behind; when indexing fails after the file
 * was written, the file (and any folder made for it) is removed again.
 */
final class AddImageHandler implements Handler {
  private static final Logger LOG = LoggerFactory.getLogger(AddImageHandler.class);
  /** The longest {@code path} taken, in bytes of UTF-8: the file name limit of common file systems. */
  static final int MAX_PATH_BYTES = 255;

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
    boolean existed = Files.exists(target, LinkOption.NOFOLLOW_LINKS);
    List<Path> madeFolders = write(target, upload.bytes());
    ImageRecord record;
    try {
      record = LibraryIndexer.recordOf(target, upload.bytes(), embedded.image());
      index.upsert(record, embedded.vector());
      index.commit();
    } catch (Exception | Error e) {
      // No file the index does not know: a new one goes again (a replaced one cannot be restored).
      if (!existed) removeQuietly(target, madeFolders);
      throw e;
    }
    ctx.status(201).json(Map.of("id", record.id(), "path", record.path(), "width", record.width(),
        "height", record.height(), "thumbnail", ApiJson.thumbnailUrl(record)));
  }

  /** The file to write: a client-chosen relative name must stay inside the upload folder. */
  private Path target(String requested, byte[] content, String format) {
    if (requested == null) return uploadDir.resolve(dss.util.Sha256.hex(content).substring(0, 16) + "." + format);
    HttpResponseException refused = new BadRequestResponse("path must be a relative file name inside the upload folder, got '"
        + ErrorMapping.clip(requested) + "'");
    int bytes = requested.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > MAX_PATH_BYTES) {
      throw new BadRequestResponse("path must be at most " + MAX_PATH_BYTES + " bytes (UTF-8), got " + bytes
          + ": '" + ErrorMapping.clip(requested) + "'");
    }
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
    // Folders on the way must be folders (not files, not links), and the file itself not a folder
    for (Path p = uploadDir.relativize(target.getParent()).normalize(), at = uploadDir; ; ) {
      if (p.toString().isEmpty()) break;
      at = at.resolve(p.getName(0));
      if (Files.exists(at, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(at, LinkOption.NOFOLLOW_LINKS)) {
        throw cannotStore(requested, at, Files.isSymbolicLink(at) ? "is a symbolic link" : "is a file, not a folder");
      }
      if (p.getNameCount() == 1) break;
      p = p.subpath(1, p.getNameCount());
    }
    if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) throw cannotStore(requested, target, "is a folder");
    if (Files.isSymbolicLink(target)) throw cannotStore(requested, target, "is a symbolic link");
    return target;
  }

  private HttpResponseException cannotStore(String requested, Path at, String why) {
    return new BadRequestResponse("path '" + ErrorMapping.clip(requested) + "' cannot be stored: '"
        + ErrorMapping.clip(uploadDir.relativize(at).toString()) + "' " + why);
  }

  /** Writes {@code content} at {@code target}; returns the folders it made, outermost first. */
  private List<Path> write(Path target, byte[] content) throws IOException {
    List<Path> made = new ArrayList<>();
    for (Path p = target.getParent(); p != null && !Files.exists(p); p = p.getParent()) made.addFirst(p);
    try {
      Files.createDirectories(target.getParent());
      // never through a link: what is written stays inside the upload folder
      Files.write(target, content, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
          StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
      return made;
    } catch (FileSystemException e) {
      removeQuietly(target, made);
      String relative = uploadDir.relativize(target).toString();
      // The checks above raced with another upload, or the file system refuses the name: the client's path.
      // Anything else (permissions, a full disk) is the server's problem: a 500.
      if (e instanceof FileAlreadyExistsException || e instanceof NotDirectoryException) {
        throw new BadRequestResponse("path '" + ErrorMapping.clip(relative) + "' cannot be stored: a part of it"
            + " exists and is not a folder");
      }
      if (String.valueOf(e.getReason()).toLowerCase(Locale.ROOT).contains("too long")) {
        throw new BadRequestResponse("path '" + ErrorMapping.clip(relative) + "' cannot be stored: a name in it is"
            + " too long for the file system");
      }
      if (String.valueOf(e.getReason()).toLowerCase(Locale.ROOT).contains("symbolic links")) {
        throw new BadRequestResponse("path '" + ErrorMapping.clip(relative) + "' cannot be stored: it is a"
            + " symbolic link");
      }
      throw e;
    }
  }

  private static void removeQuietly(Path file, List<Path> folders) {
    try {
      Files.deleteIfExists(file);
      for (Path folder : folders.reversed()) Files.deleteIfExists(folder); // innermost first
    } catch (DirectoryNotEmptyException e) {
      // another upload stored a file there meanwhile: the folder stays
    } catch (IOException e) {
      LOG.warn("could not remove {} after a failed upload: {}", file, e.toString());
    }
  }
}
