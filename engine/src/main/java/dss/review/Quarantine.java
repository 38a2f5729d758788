package dss.review;

import dss.index.ImageIndex;
import dss.index.ImageRecord;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves the files of unwanted copies into a quarantine folder and back. Nothing is ever deleted or
 * overwritten:
 *
 * <ul>
 *   <li>{@link #move}: each file goes to {@code <folder>/<its path below the library folder it is
 *       under>} (an absolute path without its root when it is under none), or, when that name is
 *       taken, {@code name (1).ext}, {@code name (2).ext}, ...; its document leaves the index. The
 *       intent (with the document) is logged before the file moves, the outcome after the index
 *       commit ({@link QuarantineLog}); a crash in between is settled at the next start ({@link
 *       #recover}), so every file is in exactly one place and the index agrees with them. One
 *       item's failure (an unknown id, a file already gone or changed since it was indexed, the
 *       keeper itself) is reported for that item and the others go on.
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
  private static final Logger LOG = LoggerFactory.getLogger(Quarantine.class);

  /** Log events: a move's intent and its outcomes, an undo's intent and its outcomes. */
  static final String MOVE_INTENT = "move-intent",
      MOVED = "move",
      ROLLED_BACK = "move-rolled-back",
      UNDO_INTENT = "undo-intent",
      UNDONE = "undo",
      UNDO_ROLLED_BACK = "undo-rolled-back";

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
   * @throws IOException when what a crash left unfinished cannot be settled ({@link #recover})
   */
  public Quarantine(Path folder, ImageIndex index, Supplier<List<Path>> roots) throws IOException {
    this.folder = folder.toAbsolutePath().normalize();
    this.index = index;
    this.roots = roots;
    Files.createDirectories(this.folder);
    this.log = new QuarantineLog(this.folder);
    recover();
  }

  /**
   * The folder's real place: symbolic links resolved in its existing part (the rest, not created
   * yet, appended as given), so that a link into the library is seen to be inside it.
   */
  public static Path realPath(Path folder) throws IOException {
    Path absolute = folder.toAbsolutePath().normalize();
    Path existing = absolute;
    while (existing != null && !Files.exists(existing)) existing = existing.getParent();
    if (existing == null) return absolute;
    return existing.toRealPath().resolve(existing.relativize(absolute));
  }

  /**
   * The library folder (of {@code library}) that {@code quarantine} is inside of or equal to, by
   * their real paths; empty when it is outside all of them (its files would be indexed again
   * otherwise).
   */
  public static Optional<Path> insideOf(Path quarantine, List<Path> library) throws IOException {
    Path q = realPath(quarantine);
    for (Path folder : library) {
      if (q.startsWith(realPath(folder))) return Optional.of(folder);
    }
    return Optional.empty();
  }

  public Path folder() {
    return folder;
  }

  public QuarantineLog log() {
    return log;
  }

  /**
   * Moves the files of {@code move} (ids) into quarantine, keeping {@code keep}; commits the index
   * once. The intents (every planned move, with its document) reach the log, forced to disk, before
   * any file moves; the outcomes after the index commit that removed the moved documents. A crash
   * in between leaves intents without an outcome, which {@link #recover} settles.
   */
  public synchronized Moves move(String keep, List<String> move) throws IOException {
    List<Planned> planned = new ArrayList<>();
    List<Failure> failures = new ArrayList<>();
    Set<Path> reserved = new HashSet<>();
    for (String id : move) {
      try {
        planned.add(plan(keep, id, reserved));
      } catch (Refused e) {
        failures.add(new Failure(id, e.getMessage()));
      }
    }
    if (planned.isEmpty()) return new Moves(List.of(), failures);
    log.append(planned.stream().map(p -> p.intent(keep)).toList());
    List<Move> moved = new ArrayList<>();
    List<QuarantineLog.Entry> outcomes = new ArrayList<>();
    for (Planned p : planned) {
      try {
        Files.createDirectories(p.target().getParent());
        Files.move(p.source(), p.target()); // without REPLACE_EXISTING: never overwrites
      } catch (IOException e) {
        failures.add(
            new Failure(
                p.id(),
                "image '"
                    + clip(p.id())
                    + "': could not be moved ("
                    + e.getClass().getSimpleName()
                    + "): not moved"));
        outcomes.add(p.outcome(ROLLED_BACK, keep));
        continue;
      }
      index.delete(p.id());
      moved.add(p.move());
      outcomes.add(p.outcome(MOVED, keep));
    }
    if (!moved.isEmpty()) {
      forceFolders(planned);
      index.commit();
    }
    log.append(outcomes);
    return new Moves(moved, failures);
  }

  /** A move decided on and about to be logged as an intent. */
  private record Planned(
      String moveId,
      String id,
      Path source,
      Path target,
      String at,
      ImageRecord record,
      float[] vector) {
    QuarantineLog.Entry intent(String keep) {
      return new QuarantineLog.Entry(
          MOVE_INTENT,
          moveId,
          id,
          source.toString(),
          target.toString(),
          at,
          keep,
          record,
          bytes(vector));
    }

    QuarantineLog.Entry outcome(String event, String keep) {
      return new QuarantineLog.Entry(
          event,
          moveId,
          id,
          source.toString(),
          target.toString(),
          Instant.now().toString(),
          keep,
          null,
          null);
    }

    Move move() {
      return new Move(moveId, id, source.toString(), target.toString(), at);
    }
  }

  private Planned plan(String keep, String id, Set<Path> reserved) throws IOException {
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
    Path target = freeName(folder.resolve(relative(source)), reserved);
    reserved.add(target);
    return new Planned(
        UUID.randomUUID().toString(), id, source, target, Instant.now().toString(), record, vector);
  }

  /**
   * Moves a file back from quarantine and puts its document back in the index; logged as an intent
   * before the file moves and as done after the index commit, as moves are.
   *
   * @throws UnknownMove when no move has this id
   * @throws Refused when it was undone already, its file is no longer in quarantine, or something
   *     now occupies its original path
   */
  public synchronized Move undo(String moveId) throws IOException {
    List<QuarantineLog.Entry> entries = log.entries();
    QuarantineLog.Entry moved = null;
    QuarantineLog.Entry document = null;
    for (QuarantineLog.Entry e : entries) {
      if (!moveId.equals(e.moveId())) continue;
      if (e.record() != null) document = e;
      if (e.event().equals(MOVED)) moved = e;
      if (e.event().equals(UNDONE))
        throw new Refused("move '" + clip(moveId) + "' was undone already at " + e.at());
    }
    if (moved == null || document == null) throw new UnknownMove(moveId);
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
    Move undone =
        new Move(
            moveId,
            moved.id(),
            quarantined.toString(),
            original.toString(),
            Instant.now().toString());
    log.append(List.of(undoEntry(UNDO_INTENT, undone)));
    try {
      Files.move(quarantined, original); // never replaces: a file that appeared meanwhile stops it
    } catch (IOException e) {
      log.append(List.of(undoEntry(UNDO_ROLLED_BACK, undone)));
      if (e instanceof FileAlreadyExistsException)
        throw new Refused(
            "cannot undo move '" + clip(moveId) + "': something now occupies the original path");
      throw e;
    }
    index.upsert(document.record(), floats(document.vector()));
    index.commit();
    log.append(List.of(undoEntry(UNDONE, undone)));
    return undone;
  }

  private static QuarantineLog.Entry undoEntry(String event, Move undo) {
    return new QuarantineLog.Entry(
        event, undo.moveId(), undo.id(), undo.from(), undo.to(), undo.at(), null, null, null);
  }

  /**
   * Settles what a crash left unfinished: every intent without an outcome is finished (its file is
   * at the intent's destination: the index gets the matching change, committed) or rolled back (its
   * file is still where it was: a partial copy at the destination, left by a move between file
   * systems, is removed, and the document is put back when it is missing). Afterwards every file is
   * in exactly one place, every file in quarantine has a logged move, and the index agrees with the
   * files. Needs a writable index; on a read-only one nothing is settled (and nothing can be moved
   * either).
   *
   * @return the intents settled
   */
  public synchronized int recover() throws IOException {
    log.repairTail();
    Map<String, QuarantineLog.Entry> open = new LinkedHashMap<>();
    Map<String, QuarantineLog.Entry> documents = new HashMap<>();
    for (QuarantineLog.Entry e : log.entries()) {
      if (e.record() != null) documents.put(e.moveId(), e);
      switch (e.event()) {
        case MOVE_INTENT, UNDO_INTENT -> open.put(e.moveId() + " " + e.event(), e);
        case MOVED, ROLLED_BACK -> open.remove(e.moveId() + " " + MOVE_INTENT);
        case UNDONE, UNDO_ROLLED_BACK -> open.remove(e.moveId() + " " + UNDO_INTENT);
        default -> {}
      }
    }
    if (open.isEmpty()) return 0;
    if (index.readOnly()) {
      LOG.warn(
          "quarantine log {} has {} unfinished moves, left as they are: the index is read-only",
          log.file(),
          open.size());
      return 0;
    }
    List<QuarantineLog.Entry> outcomes = new ArrayList<>();
    for (QuarantineLog.Entry intent : open.values()) {
      Path from = Path.of(intent.from());
      Path to = Path.of(intent.to());
      boolean arrived =
          Files.isRegularFile(to, LinkOption.NOFOLLOW_LINKS)
              && !Files.exists(from, LinkOption.NOFOLLOW_LINKS);
      boolean isUndo = intent.event().equals(UNDO_INTENT);
      QuarantineLog.Entry document = documents.get(intent.moveId());
      String outcome;
      if (arrived) {
        if (isUndo) index.upsert(document.record(), floats(document.vector()));
        else index.delete(intent.id());
        outcome = isUndo ? UNDONE : MOVED;
      } else {
        if (copyOf(from, to)) Files.delete(to); // a copy cut short: the original is intact
        if (!isUndo && document != null && index.get(intent.id()).isEmpty()) {
          if (Files.isRegularFile(from, LinkOption.NOFOLLOW_LINKS))
            index.upsert(document.record(), floats(document.vector()));
        }
        outcome = isUndo ? UNDO_ROLLED_BACK : ROLLED_BACK;
      }
      LOG.info(
          "quarantine: {} of {} settled after a crash: {}", intent.event(), intent.id(), outcome);
      outcomes.add(
          new QuarantineLog.Entry(
              outcome,
              intent.moveId(),
              intent.id(),
              intent.from(),
              intent.to(),
              Instant.now().toString(),
              intent.keep(),
              null,
              null));
    }
    index.commit();
    log.append(outcomes);
    return outcomes.size();
  }

  /**
   * Whether {@code to} is a copy of {@code from} or the start of one: what a move between file
   * systems leaves when it is cut short. Anything else at {@code to} is not ours to remove.
   */
  private static boolean copyOf(Path from, Path to) throws IOException {
    if (!Files.isRegularFile(from, LinkOption.NOFOLLOW_LINKS)
        || !Files.isRegularFile(to, LinkOption.NOFOLLOW_LINKS)) return false;
    long size = Files.size(to);
    if (size > Files.size(from)) return false;
    long mismatch = Files.mismatch(from, to);
    return mismatch == -1 || mismatch == size;
  }

  /**
   * Forces the renames to disk (the folders' entries), so that a power cut after the commit does
   * not bring a moved file back under its old name while the index has forgotten it.
   */
  private static void forceFolders(List<Planned> planned) {
    Set<Path> folders = new HashSet<>();
    for (Planned p : planned) {
      folders.add(p.source().getParent());
      folders.add(p.target().getParent());
    }
    for (Path dir : folders) {
      try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
        channel.force(true);
      } catch (IOException | UnsupportedOperationException e) {
        // not every platform opens folders; a process crash (not a power cut) is safe without it
      }
    }
  }

  /** The moves and undos so far, without the stored documents: the decisions export. */
  public List<QuarantineLog.Entry> decisions() throws IOException {
    return log.entries().stream()
        .filter(e -> e.event().equals(MOVED) || e.event().equals(UNDONE))
        .map(QuarantineLog.Entry::decision)
        .toList();
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
   * {@code wanted}, or the first free {@code name (n).ext} beside it, not taken on disk nor by
   * {@code reserved} (the batch's other moves).
   */
  private static Path freeName(Path wanted, Set<Path> reserved) {
    String name = wanted.getFileName().toString();
    int dot = name.lastIndexOf('.');
    String stem = dot > 0 ? name.substring(0, dot) : name;
    String ext = dot > 0 ? name.substring(dot) : "";
    for (int n = 0; n < 10_000; n++) {
      Path target = n == 0 ? wanted : wanted.resolveSibling(stem + " (" + n + ")" + ext);
      if (!reserved.contains(target) && !Files.exists(target, LinkOption.NOFOLLOW_LINKS))
        return target;
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
