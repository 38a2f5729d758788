package dss.ingest;

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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The folder where images added one by one (uploads) are stored: a client-chosen relative name
 * resolved so that nothing is written outside it or through a link, files written, and a file (with
 * the folders made for it) removed again when its transaction fails.
 */
final class UploadFolder {
  private static final Logger LOG = LoggerFactory.getLogger(UploadFolder.class);

  /** The longest name taken, in bytes of UTF-8: the file name limit of common file systems. */
  static final int MAX_PATH_BYTES = 255;

  private final Path dir;

  UploadFolder(Path dir) {
    this.dir = dir.toAbsolutePath().normalize();
  }

  Path dir() {
    return dir;
  }

  /**
   * The file to write: {@code requested} (a relative name) inside the folder, or the content hash
   * when null.
   */
  Path target(String requested, String hash, String format) {
    if (requested == null) return dir.resolve(hash.substring(0, 16) + "." + format);
    ImageEdits.Refused refused =
        new ImageEdits.Refused(
            "path must be a relative file name inside the upload folder,"
                + " got '"
                + clip(requested)
                + "'");
    int bytes = requested.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > MAX_PATH_BYTES) {
      throw new ImageEdits.Refused(
          "path must be at most "
              + MAX_PATH_BYTES
              + " bytes (UTF-8), got "
              + bytes
              + ": '"
              + clip(requested)
              + "'");
    }
    Path relative;
    try {
      relative = Path.of(requested).normalize();
    } catch (InvalidPathException e) {
      throw refused;
    }
    Path target = dir.resolve(relative).normalize();
    if (relative.isAbsolute()
        || relative.toString().isEmpty()
        || !target.startsWith(dir)
        || target.equals(dir)
        || requested.contains("..")) {
      throw refused;
    }
    // Folders on the way must be folders (not files, not links), and the file itself not a folder
    for (Path p = dir.relativize(target.getParent()).normalize(), at = dir; ; ) {
      if (p.toString().isEmpty()) break;
      at = at.resolve(p.getName(0));
      if (Files.exists(at, LinkOption.NOFOLLOW_LINKS)
          && !Files.isDirectory(at, LinkOption.NOFOLLOW_LINKS)) {
        throw cannotStore(
            requested,
            at,
            Files.isSymbolicLink(at) ? "is a symbolic link" : "is a file, not a folder");
      }
      if (p.getNameCount() == 1) break;
      p = p.subpath(1, p.getNameCount());
    }
    if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS))
      throw cannotStore(requested, target, "is a folder");
    if (Files.isSymbolicLink(target)) throw cannotStore(requested, target, "is a symbolic link");
    return target;
  }

  private ImageEdits.Refused cannotStore(String requested, Path at, String why) {
    return new ImageEdits.Refused(
        "path '"
            + clip(requested)
            + "' cannot be stored: '"
            + clip(dir.relativize(at).toString())
            + "' "
            + why);
  }

  /**
   * Writes {@code content} at {@code target}; returns the folders it made, outermost first.
   *
   * @throws ImageEdits.Refused when the name cannot be stored (a race with another upload, a name
   *     too long for the file system); other failures (permissions, a full disk) are the server's:
   *     IOException
   */
  List<Path> write(Path target, byte[] content) throws IOException {
    List<Path> made = new ArrayList<>();
    for (Path p = target.getParent(); p != null && !Files.exists(p); p = p.getParent())
      made.addFirst(p);
    try {
      Files.createDirectories(target.getParent());
      // never through a link: what is written stays inside the upload folder
      Files.write(
          target,
          content,
          StandardOpenOption.CREATE,
          StandardOpenOption.TRUNCATE_EXISTING,
          StandardOpenOption.WRITE,
          LinkOption.NOFOLLOW_LINKS);
      return made;
    } catch (FileSystemException e) {
      remove(target, made);
      String relative = dir.relativize(target).toString();
      if (e instanceof FileAlreadyExistsException || e instanceof NotDirectoryException) {
        throw new ImageEdits.Refused(
            "path '"
                + clip(relative)
                + "' cannot be stored: a part of it exists and is not"
                + " a folder");
      }
      String reason = String.valueOf(e.getReason()).toLowerCase(Locale.ROOT);
      if (reason.contains("too long")) {
        throw new ImageEdits.Refused(
            "path '"
                + clip(relative)
                + "' cannot be stored: a name in it is too long for"
                + " the file system");
      }
      if (reason.contains("symbolic links")) {
        throw new ImageEdits.Refused(
            "path '" + clip(relative) + "' cannot be stored: it is a symbolic link");
      }
      throw e;
    }
  }

  /**
   * Removes a file written by {@link #write} and the folders made for it, innermost first; never
   * throws.
   */
  static void remove(Path file, List<Path> folders) {
    try {
      Files.deleteIfExists(file);
      for (Path folder : folders.reversed()) Files.deleteIfExists(folder);
    } catch (DirectoryNotEmptyException e) {
      // another upload stored a file there meanwhile: the folder stays
    } catch (IOException e) {
      LOG.warn("could not remove {} after a failed upload: {}", file, e.toString());
    }
  }

  /** A client's string in a message, cut to a readable length. */
  static String clip(String value) {
    if (value == null) return "";
    return value.length() <= 80 ? value : value.substring(0, 80) + "...";
  }
}
