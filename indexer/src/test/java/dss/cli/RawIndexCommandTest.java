package dss.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dss.image.RawFiles;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `index` over a folder of camera RAWs (built around real JPEGs) and ordinary pictures, one RAW
 * damaged.
 */
class RawIndexCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  private static byte[] resource(String name) throws Exception {
    try (InputStream in = RawIndexCommandTest.class.getResourceAsStream("/images/" + name)) {
      return in.readAllBytes();
    }
  }

  @Test
  void aBadRawIsInTheSummaryAndTheErrorsFileAndTheRestIsIndexed() throws Exception {
    Path lib = tmp.resolve("lib");
    for (int i = 0; i < 3; i++) IndexCommandTest.image(lib.resolve("p" + i + ".png"), i);
    byte[] jpeg = resource("parity/small-300x200.jpg");
    Files.write(lib.resolve("good.dng"), RawFiles.dng(jpeg, 6));
    Files.write(lib.resolve("good.raf"), RawFiles.raf(jpeg));
    byte[] nef = RawFiles.nef(jpeg, jpeg, 1);
    Files.write(lib.resolve("cut.nef"), Arrays.copyOf(nef, nef.length / 3));
    Path errors = tmp.resolve("errors.jsonl");
    String index = tmp.resolve("index").toString();

    CliRun run =
        CliRun.of(
            "index",
            "--index",
            index,
            "--model",
            "test",
            "--errors",
            errors.toString(),
            lib.toString());
    assertEquals(1, run.status(), run.err());
    JsonNode summary = JSON.readTree(run.out());
    assertEquals(5, summary.get("added").asInt(), run.out());
    assertEquals(1, summary.get("failed").asInt(), run.out());
    List<String> lines = Files.readAllLines(errors);
    assertEquals(1, lines.size(), lines.toString());
    JsonNode line = JSON.readTree(lines.get(0));
    assertEquals(lib.resolve("cut.nef").toAbsolutePath().toString(), line.get("path").asText());
    assertTrue(
        line.get("error").asText().contains("lies outside the file (" + nef.length / 3 + " bytes)"),
        line.toString());
    assertTrue(run.err().contains("cut.nef"), run.err());

    CliRun search =
        CliRun.of("search", "--index", index, "-k", "1", lib.resolve("good.dng").toString());
    JsonNode top = JSON.readTree(search.out()).get("results").get(0);
    assertEquals(
        lib.resolve("good.dng").toAbsolutePath().toString(),
        top.get("path").asText(),
        search.out());
    assertEquals(
        200, top.get("width").asInt(), "the DNG's orientation 6 turns the 300x200 preview upright");
    assertEquals(300, top.get("height").asInt());
  }
}
