package dss.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dss.image.NativeCodecs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code index} over the files vendored from public corpora (the engine's {@code
 * resources/corpora}, see its CorpusTest): the summary counts indexed, failed and skipped files as
 * MANIFEST.tsv expects, the --errors file names each failure with its reason and, with
 * --list-skipped, each skipped file with what it is; no reason carries Java's own text.
 */
class CorpusIndexCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern JAVA_TEXT =
      Pattern.compile("(java|javax|sun)\\.|Exception|\\bclass \\[");

  @TempDir Path tmp;

  @Test
  void theSummaryAndTheErrorsFileCountAndNameEveryFile() throws Exception {
    Path corpora = Path.of(getClass().getResource("/corpora/MANIFEST.tsv").toURI()).getParent();
    boolean heif =
        NativeCodecs.inUse().stream()
            .anyMatch(l -> l.name().toLowerCase(Locale.ROOT).contains("libheif") && l.loaded());
    Path lib = tmp.resolve("lib");
    Map<String, String> expected = new HashMap<>(); // path in lib -> expected outcome
    int indexed = 0, failed = 0, skipped = 0;
    List<String> rows = Files.readAllLines(corpora.resolve("MANIFEST.tsv"));
    for (String row : rows.subList(1, rows.size())) {
      String[] f = row.split("\t", -1);
      String outcome = f[6];
      boolean heifFamily = f[0].matches("(?i).*\\.(heic|heif|avif)");
      if (heifFamily && !heif)
        continue; // without libheif these fail as "HEIC needs ...", checked elsewhere
      Path copy = lib.resolve(f[0]);
      Files.createDirectories(copy.getParent());
      Files.copy(corpora.resolve(f[0]), copy);
      expected.put(copy.toAbsolutePath().toString(), outcome);
      if (outcome.equals("indexed")) indexed++;
      else if (outcome.startsWith("failed")) failed++;
      else skipped++;
    }
    Path errors = tmp.resolve("errors.jsonl");
    CliRun run =
        CliRun.of(
            "index",
            "--index",
            tmp.resolve("index").toString(),
            "--model",
            "test",
            "--errors",
            errors.toString(),
            "--list-skipped",
            lib.toString());
    assertEquals(1, run.status(), run.err());
    JsonNode summary = JSON.readTree(run.out());
    assertEquals(indexed, summary.get("added").asInt(), run.out());
    assertEquals(failed, summary.get("failed").asInt(), run.out());
    assertEquals(skipped, summary.get("skipped").asInt(), run.out());
    assertTrue(skipped >= 5 && failed >= 5, "the corpus has both kinds");

    List<String> lines = Files.readAllLines(errors);
    assertEquals(failed + skipped, lines.size());
    for (String l : lines) {
      JsonNode line = JSON.readTree(l);
      String want = expected.get(line.get("path").asText());
      String[] kind = want.split(": ", 2);
      JsonNode reason = line.get(kind[0].equals("failed") ? "error" : "skipped");
      assertTrue(reason != null && reason.asText().startsWith(kind[1]), want + " <- " + l);
      assertFalse(JAVA_TEXT.matcher(reason.asText()).find(), l);
      assertTrue(run.err().contains(line.get("path").asText() + ": " + reason.asText()), run.err());
    }
    assertFalse(JAVA_TEXT.matcher(run.err()).find(), run.err());
  }

  @Test
  void withoutListSkippedTheSkippedAreCountedButNotListed() throws Exception {
    Path lib = tmp.resolve("lib");
    Files.createDirectories(lib);
    IndexCommandTest.image(lib.resolve("a.png"), 1);
    Files.writeString(lib.resolve("notes.txt"), "not a picture");
    Files.write(
        lib.resolve("layers.psd"),
        "8BPS\0\1".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
    Path errors = tmp.resolve("errors.jsonl");
    CliRun run =
        CliRun.of(
            "index",
            "--index",
            tmp.resolve("index").toString(),
            "--model",
            "test",
            "--errors",
            errors.toString(),
            lib.toString());
    assertEquals(0, run.status(), run.err());
    JsonNode summary = JSON.readTree(run.out());
    assertEquals(1, summary.get("added").asInt(), run.out());
    assertEquals(2, summary.get("skipped").asInt(), run.out());
    assertEquals(List.of(), Files.readAllLines(errors));
    assertFalse(run.err().contains("notes.txt"), run.err());
  }
}
