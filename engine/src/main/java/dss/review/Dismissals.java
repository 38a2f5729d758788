package dss.review;

import com.fasterxml.jackson.databind.ObjectMapper;
import dss.search.Apart;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * "Not duplicates" decisions: sets of indexed images a person has said to keep apart. The duplicate
 * grouping never puts two images of one dismissal in the same group ({@link Apart}, {@link
 * dss.search.DuplicateGrouper}).
 *
 * <p>Kept in one small JSON-lines file ({@value #FILE_NAME}, one {@code {"id", "ids", "at"}} object
 * a line), rewritten whole on every change: written to a temporary file beside it, forced to disk,
 * moved over the old one atomically and the folder forced, so a crash leaves the old file or the
 * new one, never a mix. A dismissal whose images later leave the index stays (it costs nothing and
 * keeps its meaning if they come back).
 */
public final class Dismissals implements Apart {
  public static final String FILE_NAME = "dismissals.jsonl";

  /** A dismissal names at least this many images. */
  public static final int MIN_IDS = 2;

  /** The most images one dismissal may name (a group page's worth, with room). */
  public static final int MAX_IDS = 1000;

  /** One decision: its id, the images' ids (in the order given), when (ISO-8601 instant). */
  public record Dismissal(String id, List<String> ids, String at) {}

  /** A refused dismissal: {@code field} names the part of the request that is wrong. */
  public static final class InvalidException extends IllegalArgumentException {
    private final String field;

    InvalidException(String field, String message) {
      super(field + ": " + message);
      this.field = field;
    }

    public String field() {
      return field;
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path file;
  private final Map<String, Dismissal> byId = new LinkedHashMap<>();
  private volatile Map<String, Set<String>> partners = Map.of();
  private volatile long version;

  private Dismissals(Path file) {
    this.file = file;
  }

  /**
   * The dismissals kept in {@code file} (none when it does not exist yet; it is created on the
   * first change).
   *
   * @throws IOException when the file cannot be read or a line is not a dismissal (naming the file
   *     and line)
   */
  public static Dismissals open(Path file) throws IOException {
    Dismissals d = new Dismissals(file);
    if (Files.exists(file)) {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      for (int i = 0; i < lines.size(); i++) {
        if (lines.get(i).isBlank()) continue;
        try {
          Dismissal x = JSON.readValue(lines.get(i), Dismissal.class);
          if (x.id() == null || x.ids() == null || x.ids().size() < MIN_IDS)
            throw new IOException("not a dismissal");
          d.byId.put(x.id(), new Dismissal(x.id(), List.copyOf(x.ids()), x.at()));
        } catch (IOException e) {
          throw new IOException(
              file + " line " + (i + 1) + ": not a dismissal (" + e.getMessage() + ")", e);
        }
      }
    }
    d.reindex();
    return d;
  }

  public Path file() {
    return file;
  }

  /**
   * Records that the images {@code ids} are not duplicates of each other, and persists it before
   * returning.
   *
   * @param indexed whether an id names an indexed image
   * @throws InvalidException (field {@code ids}) for fewer than {@value #MIN_IDS} ids, more than
   *     {@value #MAX_IDS}, a blank or repeated id, or an id of no indexed image
   */
  public synchronized Dismissal add(List<String> ids, Predicate<String> indexed)
      throws IOException {
    if (ids == null) throw new InvalidException("ids", "missing (a list of image ids)");
    if (ids.size() < MIN_IDS)
      throw new InvalidException(
          "ids", "at least " + MIN_IDS + " image ids are needed, got " + ids.size());
    if (ids.size() > MAX_IDS)
      throw new InvalidException("ids", "at most " + MAX_IDS + " image ids, got " + ids.size());
    Set<String> seen = new HashSet<>();
    List<String> unknown = new ArrayList<>();
    for (String id : ids) {
      if (id == null || id.isBlank()) throw new InvalidException("ids", "an id is empty");
      if (!seen.add(id)) throw new InvalidException("ids", "'" + id + "' is given twice");
      if (!indexed.test(id)) unknown.add(id);
    }
    if (!unknown.isEmpty())
      throw new InvalidException(
          "ids", "no indexed image has the id " + String.join(", ", unknown));
    Dismissal d =
        new Dismissal(
            UUID.randomUUID().toString().replace("-", ""),
            List.copyOf(ids),
            Instant.now().toString());
    Map<String, Dismissal> next = new LinkedHashMap<>(byId);
    next.put(d.id(), d);
    write(next.values());
    byId.put(d.id(), d);
    reindex();
    return d;
  }

  /** Undoes a dismissal; false when there is none with this id. Persisted before returning. */
  public synchronized boolean remove(String id) throws IOException {
    if (!byId.containsKey(id)) return false;
    Map<String, Dismissal> next = new LinkedHashMap<>(byId);
    next.remove(id);
    write(next.values());
    byId.remove(id);
    reindex();
    return true;
  }

  /** Every dismissal, oldest first. */
  public synchronized List<Dismissal> list() {
    return List.copyOf(byId.values());
  }

  @Override
  public boolean apart(String a, String b) {
    Set<String> p = partners.get(a);
    return p != null && p.contains(b);
  }

  @Override
  public boolean involves(String id) {
    return partners.containsKey(id);
  }

  @Override
  public long version() {
    return version;
  }

  /** Rebuilds the pair lookup after a change (read by the grouping without a lock). */
  private void reindex() {
    Map<String, Set<String>> p = new HashMap<>();
    for (Dismissal d : byId.values())
      for (String a : d.ids())
        for (String b : d.ids())
          if (!a.equals(b)) p.computeIfAbsent(a, k -> new HashSet<>()).add(b);
    partners = p;
    version++;
  }

  /** The whole file anew: temporary file, forced, moved over atomically, folder forced. */
  private void write(Iterable<Dismissal> all) throws IOException {
    StringBuilder text = new StringBuilder();
    for (Dismissal d : all) text.append(JSON.writeValueAsString(d)).append('\n');
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = dir.resolve(file.getFileName() + ".tmp");
    try (FileChannel ch =
        FileChannel.open(
            tmp,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer bytes = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8));
      while (bytes.hasRemaining()) ch.write(bytes);
      ch.force(true);
    }
    try {
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
    }
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true); // the rename itself
    } catch (IOException ignored) {
      // some file systems cannot open a folder for forcing: the file's own force stands
    }
  }
}
