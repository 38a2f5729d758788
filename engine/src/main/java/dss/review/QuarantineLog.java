package dss.review;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import dss.index.ImageRecord;
import java.io.IOException;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * The quarantine's record, {@code quarantine-log.jsonl} in the quarantine folder: one JSON object
 * per line, appended and forced to disk, never rewritten (a line cut short by a crash is cut off).
 * Each move or undo is logged twice: its intent before the file moves ({@code move-intent}, {@code
 * undo-intent}) and its outcome after the index commit ({@code move}, {@code undo}, or {@code
 * move-rolled-back}, {@code undo-rolled-back} when the file stayed where it was). A move's intent
 * carries the image's index record and stored vector, so an undo puts the very same document back
 * without running the model.
 */
public final class QuarantineLog {
  public static final String FILE_NAME = "quarantine-log.jsonl";

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .setSerializationInclusion(JsonInclude.Include.NON_NULL);

  /**
   * One line. {@code event} is one of the six above; {@code from} and {@code to} are absolute paths
   * (for an undo, from the quarantine back to the library); {@code at} an ISO-8601 instant; {@code
   * keep} the id of the group's keeper (moves only); {@code record} and {@code vector}
   * (little-endian float32, base64) move intents only (and the moves of logs written before intents
   * were).
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Entry(
      String event,
      String moveId,
      String id,
      String from,
      String to,
      String at,
      String keep,
      ImageRecord record,
      byte[] vector) {
    /** The entry without the document, for the export. */
    public Entry decision() {
      return new Entry(event, moveId, id, from, to, at, keep, null, null);
    }
  }

  private final Path file;

  public QuarantineLog(Path folder) {
    this.file = folder.resolve(FILE_NAME);
  }

  public Path file() {
    return file;
  }

  /** Appends {@code entry} as one line and forces it to disk. */
  public void append(Entry entry) throws IOException {
    append(List.of(entry));
  }

  /** Appends {@code entries}, a line each, in one write forced to disk. */
  public synchronized void append(List<Entry> entries) throws IOException {
    if (entries.isEmpty()) return;
    StringBuilder lines = new StringBuilder();
    for (Entry entry : entries) lines.append(JSON.writeValueAsString(entry)).append('\n');
    byte[] line = lines.toString().getBytes(StandardCharsets.UTF_8);
    try (FileChannel out =
        FileChannel.open(
            file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
      ByteBuffer buffer = ByteBuffer.wrap(line);
      while (buffer.hasRemaining()) out.write(buffer);
      out.force(false);
    }
  }

  /**
   * Cuts off a last line without its end (a write cut short by a crash: nothing acts on an entry
   * before it is whole on disk), so the next entry starts a line of its own.
   */
  public synchronized void repairTail() throws IOException {
    if (!Files.exists(file)) return;
    try (FileChannel channel =
        FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      long size = channel.size();
      long end = size;
      ByteBuffer one = ByteBuffer.allocate(1);
      while (end > 0) {
        one.clear();
        channel.read(one, end - 1);
        if (one.get(0) == '\n') break;
        end--;
      }
      if (end < size) {
        channel.truncate(end);
        channel.force(false);
      }
    }
  }

  /**
   * Every entry, oldest first; a line that cannot be read (cut short by a crash) is named in the
   * error.
   */
  public synchronized List<Entry> entries() throws IOException {
    List<Entry> entries = new ArrayList<>();
    if (!Files.exists(file)) return entries;
    int n = 0;
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      n++;
      if (line.isBlank()) continue;
      try {
        entries.add(JSON.readValue(line, Entry.class));
      } catch (IOException e) {
        throw new IOException(file + " line " + n + " is not a log entry: " + e.getMessage(), e);
      }
    }
    return entries;
  }

  /** The columns of the CSV export, in order. */
  public static final List<String> CSV_COLUMNS =
      List.of("event", "move_id", "id", "from", "to", "at", "keep");

  /** The decisions as CSV (RFC 4180, a header line): {@link #CSV_COLUMNS}. */
  public static void writeCsv(List<Entry> entries, Writer out) throws IOException {
    try (CSVPrinter csv =
        new CSVPrinter(
            out, CSVFormat.RFC4180.builder().setHeader(CSV_COLUMNS.toArray(String[]::new)).get())) {
      for (Entry e : entries) {
        csv.printRecord(e.event(), e.moveId(), e.id(), e.from(), e.to(), e.at(), e.keep());
      }
    }
  }
}
