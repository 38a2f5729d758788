package dss.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dss.index.ImageIndex;
import dss.index.ImageRecord;
import dss.index.IndexConfig;
import dss.index.KnnOptions;
import dss.index.TestVectors;
import dss.index.lucene.LuceneIndex;
import dss.model.ModelInfo;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code --candidates} on {@code search} and {@code dedup}: reaches the query, defaults to the
 * formula, validated.
 */
class CandidatesOptionTest {
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  String index;

  @BeforeEach
  void buildIndex() throws Exception {
    index = dir.resolve("index").toString();
    float[][] v = TestVectors.clustered(30, 16, 5);
    try (ImageIndex writer =
        LuceneIndex.openWritable(
            Path.of(index), new ModelInfo("t", "t", 16, "x"), IndexConfig.DEFAULT)) {
      for (int i = 0; i < v.length; i++) {
        writer.upsert(
            new ImageRecord("id" + i, "/p/" + i + ".jpg", "h" + i, 10, 1, 4, 3, "jpeg", 0), v[i]);
      }
      writer.commit();
    }
  }

  private static <T> T parse(String... args) throws Exception {
    CommandLine.ParseResult parsed = Main.commandLine(new Settings(Map.of(), null)).parseArgs(args);
    return parsed.subcommand().commandSpec().commandLine().getCommand();
  }

  @Test
  void searchPassesCandidatesToTheQuery() throws Exception {
    SearchCommand asked = parse("search", "--id", "id1", "-k", "5", "--candidates", "300");
    assertEquals(300, asked.options().candidates());
    assertEquals(5, asked.options().k());
    SearchCommand byDefault = parse("search", "--id", "id1", "-k", "100");
    assertEquals(
        KnnOptions.LIBRARY_DEFAULT,
        byDefault.options().candidates(),
        "no --candidates: the library searched decides");
    assertEquals(400, byDefault.options().candidatesFor(100_000), "4 k in a small library");
    assertEquals(
        KnnOptions.LIBRARY_DEFAULT,
        ((SearchCommand) parse("search", "--id", "id1")).options().candidates());

    CliRun run =
        CliRun.of("search", "--index", index, "--id", "id3", "-k", "4", "--candidates", "4");
    assertEquals(0, run.status(), run.err());
    JsonNode results = JSON.readTree(run.out()).get("results");
    assertEquals(4, results.size());
    assertEquals("id3", results.get(0).get("id").asText());
  }

  @Test
  void searchRefusesCandidatesOutOfRange() {
    CliRun fewer =
        CliRun.of("search", "--index", index, "--id", "id3", "-k", "20", "--candidates", "19");
    assertEquals(2, fewer.status());
    assertEquals(
        "dreamsim search: --candidates must be between -k (20) and 10000, got 19\n", fewer.err());
    CliRun tooMany = CliRun.of("search", "--index", index, "--id", "id3", "--candidates", "10001");
    assertEquals(2, tooMany.status());
    assertTrue(
        tooMany.err().contains("--candidates must be between -k (10) and 10000, got 10001"),
        tooMany.err());
    CliRun notANumber =
        CliRun.of("search", "--index", index, "--id", "id3", "--candidates", "many");
    assertEquals(2, notANumber.status());
    assertTrue(notANumber.err().contains("--candidates"), notANumber.err());
  }

  @Test
  void dedupPassesCandidatesAndRefusesBadOnes() throws Exception {
    assertEquals(500, ((DedupCommand) parse("dedup", "--candidates", "500")).candidates());
    assertEquals(0, ((DedupCommand) parse("dedup")).candidates(), "0: the default formula");

    CliRun asked = CliRun.of("dedup", "--index", index, "--candidates", "64");
    CliRun byDefault = CliRun.of("dedup", "--index", index);
    assertEquals(0, asked.status(), asked.err());
    assertEquals(
        JSON.readTree(byDefault.out()).get("groups"), JSON.readTree(asked.out()).get("groups"));

    CliRun fewer = CliRun.of("dedup", "--index", index, "--candidates", "31");
    assertEquals(2, fewer.status());
    assertEquals(
        "dreamsim dedup: --candidates must be between the neighbours fetched (32) and 10000, got 31\n",
        fewer.err());
    assertEquals(2, CliRun.of("dedup", "--index", index, "--candidates", "20000").status());
  }
}
