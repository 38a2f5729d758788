package dss.web;

import dss.index.ImageRecord;
import io.javalin.http.ConflictResponse;
import io.javalin.http.HttpResponseException;
import io.javalin.http.NotFoundResponse;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * The file of an indexed image, checked before any of it is served (original or thumbnail): what is
 * at the indexed path now must be a regular file, not a symbolic link (a photo replaced by a link
 * to a system file must not be served), inside the library folder it was indexed under when the
 * server knows that folder, and unchanged since it was indexed (same size and modification time).
 * Otherwise 404 (nothing servable there) or 409 (changed: the next indexing run takes the new
 * state).
 */
final class IndexedFiles {
  private final ServerContext server;

  IndexedFiles(ServerContext server) {
    this.server = server;
  }

  /** Checks the file of {@code image}; returns its path. */
  Path check(ImageRecord image) {
    Path file = Path.of(image.path());
    BasicFileAttributes attrs = attributes(image, file);
    String id = "image '" + ErrorMapping.clip(image.id()) + "'";
    if (attrs.isSymbolicLink()) {
      throw new NotFoundResponse(
          id
              + " is indexed but the file at its path is now a symbolic link,"
              + " which is not served");
    }
    if (!attrs.isRegularFile()) {
      throw new NotFoundResponse(id + " is indexed but the file at its path is not a regular file");
    }
    requireInsideRoot(image, file, id);
    if (attrs.size() != image.size() || attrs.lastModifiedTime().toMillis() != image.mtime()) {
      throw changed(image);
    }
    return file;
  }

  /**
   * Checks the file and opens it for reading without following a link, so a link put in its place
   * after the check is refused too; the caller closes the channel.
   */
  FileChannel open(ImageRecord image) throws IOException {
    Path file = check(image);
    FileChannel channel;
    try {
      channel = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      throw gone(image);
    } catch (FileSystemException e) { // ELOOP: it became a link since the check
      throw new NotFoundResponse(
          "image '"
              + ErrorMapping.clip(image.id())
              + "' is indexed but the file at its"
              + " path cannot be opened as a regular file");
    }
    if (channel.size() != image.size()) {
      channel.close();
      throw changed(image);
    }
    return channel;
  }

  static HttpResponseException changed(ImageRecord image) {
    return new ConflictResponse(
        "image '"
            + ErrorMapping.clip(image.id())
            + "' has changed on disk since it was"
            + " indexed (its size, modification time or content differ): re-index it");
  }

  private static HttpResponseException gone(ImageRecord image) {
    return new NotFoundResponse(
        "image '" + ErrorMapping.clip(image.id()) + "' is indexed but its file is no longer there");
  }

  private static BasicFileAttributes attributes(ImageRecord image, Path file) {
    try {
      return Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException | NotDirectoryException e) {
      throw gone(image);
    } catch (IOException e) {
      throw new NotFoundResponse(
          "image '" + ErrorMapping.clip(image.id()) + "' is indexed but its file cannot be read");
    }
  }

  /**
   * Under a known root, the real path (every link resolved) must stay inside the root's real path:
   * a folder of the library swapped for a link out of it is refused. A root given through a link is
   * fine.
   */
  private void requireInsideRoot(ImageRecord image, Path file, String id) {
    boolean underSome = false;
    for (Path root : server.roots()) {
      if (!file.startsWith(root)) continue;
      underSome = true;
      try {
        if (file.toRealPath().startsWith(root.toRealPath())) return;
      } catch (IOException e) {
        // the root or the file vanished meanwhile: not inside this root
      }
    }
    if (underSome) {
      throw new NotFoundResponse(
          id
              + " is indexed but its path now leads outside the library folder"
              + " (through a symbolic link), which is not served");
    }
  }
}
