package dss.review;

import dss.index.ImageIndex;
import dss.index.ImageRecord;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Moves the files of unwanted copies into a quarantine folder and back. Nothing is ever deleted or
 * overwritten:
 *
 * <ul>
 *   <li>{@link #move}: each file goes to {@code <folder>/<its path below the library folder it is
 *       under>} (an absolute path without its root when it is under none), or, when that name is
 *       taken, {@code name (1).ext}, {@code name (2).ext}, ...; then its document leaves the index
 *       and the move is logged with the document ({@link QuarantineLog}). One item's failure (an
 *       unknown id, a file already gone or changed since it was indexed, the keeper itself) is
 *       reported for that item and the others go on.
 *   <li>{@link #undo}: the file goes back to where it was, refused when something now occupies that
 *       path; the logged document (record and stored vector) is put back in the index, so no model
 *       runs. A file changed while in quarantine keeps its old document until the next indexing run
 *       sees the change.
 * </ul>
 *
 * Moves keep the file's modification time (same file system: a rename; another one: copied with its
 * attributes), so the restored document matches the file. One operation at a time.
 */
public final class Quarantine {
  private final Path folder;
  private final ImageIndex index;
  private final Supplier<List<Path>> roots;
  private final QuarantineLog log;

  /** One moved file, as reported and logged. */
  public record Move(String moveId, String id, String from, String to, String at) {}

  /** One item that was not moved, and why (a sentence for users, naming the id). */
  public record Failure(String id, String error) {}

  public record Moves(List<Move> moves, List<Failure> failures) {}

  /** The operation cannot be done as asked: the message says why (HTTP 409). */
  public static final class Refused extends RuntimeException {
    Refused(String message) {
      super(message, null, false, false);
    }
  }

  /** No move has this id (HTTP 404). */
  public static final class UnknownMove extends RuntimeException {
    UnknownMove(String moveId) {
      super(
          "no quarantine move with id '"
              + (moveId.length() <= 80 ? moveId : moveId.substring(0, 80) + "...")
              + "'",
          null,
          false,
          false);
    }
  }

  /**
   * @param folder the quarantine folder, created when missing
   * @param roots the library folders (and upload folder) files are indexed under, for their
   *     relative paths
   */
  public Quarantine(Path folder, ImageIndex index, Supplier<List<Path>> roots) throws IOException {
    this.folder = folder.toAbsolutePath().normalize();
    this.index = index;
    this.roots = roots;
    Files.createDirectories(this.folder);
    this.log = new QuarantineLog(this.folder);
  }

  public Path folder() {
    return folder;
  }

  public QuarantineLog log() {
    return log;
  }

  /**
   * Moves the files of {@code move} (ids) into quarantine, keeping {@code keep}; commits the index
   * once.
   */
  public synchronized Moves move(String keep, List<String> move) throws IOException {
    List<Move> moved = new ArrayList<>();
    List<Failure> failures = new ArrayList<>();
    for (String id : move) {
      try {
        moved.add(moveOne(keep, id));
      } catch (Refused e) {
        failures.add(new Failure(id, e.getMessage()));
      }
    }
    if (!moved.isEmpty()) index.commit();
    return new Moves(moved, failures);
  }

  private Move moveOne(String keep, String id) throws IOException {
    if (id.equals(keep)) throw new Refused("image '" + clip(id) + "' is the keeper: not moved");
    ImageRecord record;
    float[] vector;
    try (ImageIndex.Snapshot snapshot = index.snapshot()) {
      record =
          snapshot
              .get(id)
              .orElseThrow(() -> new Refused("no indexed image with id '" + clip(id) + "'"));
      vector =
          snapshot
              .vector(id)
              .orElseThrow(() -> new Refused("image '" + clip(id) + "' has no stored vector"));
    }
    Path source = Path.of(record.path());
    if (!Files.isRegularFile(source, LinkOption.NOFOLLOW_LINKS)) {
      throw new Refused(
          "image '"
              + clip(id)
              + "': its file is no longer there (or is not a regular file): not moved");
    }
    // The decision was made on what was indexed: a file changed since is not the one reviewed.
    BasicFileAttributes now =
        Files.readAttributes(source, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    if (now.size() != record.size() || now.lastModifiedTime().toMillis() != record.mtime()) {
      throw new Refused(
          "image '"
              + clip(id)
              + "': its file has changed on disk since it was indexed: not moved"
              + " (re-index it and review again)");
    }
    Path target = moveToFreeName(source, folder.resolve(relative(source)));
    Move move =
        new Move(
            UUID.randomUUID().toString(),
            id,
            source.toString(),
            target.toString(),
            Instant.now().toString());
    try {
      log.append(
          new QuarantineLog.Entry(
              "move",
              move.moveId(),
              id,
              move.from(),
              move.to(),
              move.at(),
              keep,
              record,
              bytes(vector)));
    } catch (IOException e) {
      Files.move(target, source); // unlogged, a move could not be undone: put the file back
      throw e;
    }
    index.delete(id);
    return move;
  }

  /**
   * Moves a file back from quarantine and puts its document back in the index.
   *
   * @throws UnknownMove when no move has this id
   * @throws Refused when it was undone already, its file is no longer in quarantine, or something
   *     now occupies its original path
   */
  public synchronized Move undo(String moveId) throws IOException {
    List<QuarantineLog.Entry> entries = log.entries();
    QuarantineLog.Entry moved = null;
    for (QuarantineLog.Entry e : entries) {
      if (!moveId.equals(e.moveId())) continue;
      if (e.event().equals("move")) moved = e;
      if (e.event().equals("undo"))
        throw new Refused("move '" + clip(moveId) + "' was undone already at " + e.at());
    }
    if (moved == null) throw new UnknownMove(moveId);
    Path original = Path.of(moved.from());
    Path quarantined = Path.of(moved.to());
    if (Files.exists(original, LinkOption.NOFOLLOW_LINKS)) {
      throw new Refused(
          "cannot undo move '"
              + clip(moveId)
              + "': something now occupies the original path (its"
              + " 'from'); move it away first");
    }
    if (!Files.isRegularFile(quarantined, LinkOption.NOFOLLOW_LINKS)) {
      throw new Refused(
          "cannot undo move '"
              + clip(moveId)
              + "': its file is no longer in the quarantine folder"
              + " (at its 'to')");
    }
    Files.createDirectories(original.getParent());
    try {
      Files.move(quarantined, original); // never replaces: a file that appeared meanwhile stops it
    } catch (FileAlreadyExistsException e) {
      throw new Refused(
          "cannot undo move '" + clip(moveId) + "': something now occupies the original path");
    }
    Move undone =
        new Move(
            moveId,
            moved.id(),
            quarantined.toString(),
            original.toString(),
            Instant.now().toString());
    log.append(
        new QuarantineLog.Entry(
            "undo", moveId, moved.id(), undone.from(), undone.to(), undone.at(), null, null, null));
    index.upsert(moved.record(), floats(moved.vector()));
    index.commit();
    return undone;
  }

  /** The moves and undos so far, without the stored documents: the decisions export. */
  public List<QuarantineLog.Entry> decisions() throws IOException {
    return log.entries().stream().map(QuarantineLog.Entry::decision).toList();
  }

  /**
   * The file's path below the library folder it is under, else its absolute path without the root.
   */
  Path relative(Path file) {
    Path absolute = file.toAbsolutePath().normalize();
    Optional<Path> root =
        roots.get().stream()
            .map(r -> r.toAbsolutePath().normalize())
            .filter(r -> absolute.startsWith(r) && !absolute.equals(r))
            .max((a, b) -> a.getNameCount() - b.getNameCount());
    return root.isPresent()
        ? root.get().relativize(absolute)
        : absolute.getRoot().relativize(absolute);
  }

  /**
   * Moves {@code source} to {@code wanted}, or to the first free {@code name (n).ext} beside it.
   */
  private static Path moveToFreeName(Path source, Path wanted) throws IOException {
    Files.createDirectories(wanted.getParent());
    String name = wanted.getFileName().toString();
    int dot = name.lastIndexOf('.');
    String stem = dot > 0 ? name.substring(0, dot) : name;
    String ext = dot > 0 ? name.substring(dot) : "";
    for (int n = 0; n < 10_000; n++) {
      Path target = n == 0 ? wanted : wanted.resolveSibling(stem + " (" + n + ")" + ext);
      if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) continue;
      try {
        Files.move(source, target); // without REPLACE_EXISTING: never overwrites, even in a race
        return target;
      } catch (FileAlreadyExistsException e) {
        // taken meanwhile: try the next name
      }
    }
    throw new Refused("no free name for " + wanted.getFileName() + " in the quarantine folder");
  }

  private static byte[] bytes(float[] vector) {
    ByteBuffer buffer = ByteBuffer.allocate(vector.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    buffer.asFloatBuffer().put(vector);
    return buffer.array();
  }

  private static float[] floats(byte[] bytes) {
    float[] v = new float[bytes.length / 4];
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
    return v;
  }

  private static String clip(String value) {
    return value.length() <= 80 ? value : value.substring(0, 80) + "...";
  }
}
