package dss.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dss.image.HeifFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dreamsim index} over a library with HEIC and AVIF photos (made with heif-enc) and one
 * truncated HEIC.
 */
class HeifIndexTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void aBadHeicIsReportedAndTheRestIsIndexed(@TempDir Path tmp) throws Exception {
    HeifFiles.assumeTools();
    Path lib = tmp.resolve("lib");
    for (int i = 0; i < 3; i++) IndexCommandTest.image(lib.resolve("p" + i + ".png"), i);
    Path png = tmp.resolve("src.png");
    IndexCommandTest.image(png, 42);
    HeifFiles.encode(png, lib.resolve("phone/IMG_0001.HEIC"));
    HeifFiles.encode(png, lib.resolve("phone/photo.avif"));
    byte[] good = Files.readAllBytes(lib.resolve("phone/IMG_0001.HEIC"));
    Files.write(lib.resolve("phone/IMG_0002.HEIC"), Arrays.copyOf(good, good.length * 2 / 3));
    Files.write(lib.resolve("phone/empty.heic"), new byte[0]);
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
    assertEquals(1, run.status(), "some inputs failed: " + run.err());
    JsonNode summary = JSON.readTree(run.out());
    assertEquals(
        5,
        summary.get("added").asInt(),
        "three PNGs, the HEIC and the AVIF: " + summary + run.err());
    assertEquals(2, summary.get("failed").asInt(), summary.toString());
    List<String> lines = Files.readAllLines(errors);
    assertEquals(2, lines.size(), lines.toString());
    for (String l : lines) {
      JsonNode line = JSON.readTree(l);
      String path = line.get("path").asText(), error = line.get("error").asText();
      if (path.endsWith("IMG_0002.HEIC")) {
        assertTrue(error.matches("(truncated|corrupt) HEIC \\(libheif: .*\\)"), error);
      } else {
        assertTrue(path.endsWith("empty.heic") && error.equals("empty file"), line.toString());
      }
    }
    assertTrue(run.err().contains("IMG_0002.HEIC"), run.err());

    // the HEIC and the AVIF are the nearest images to the picture they were made from
    CliRun search =
        CliRun.of("search", "--index", tmp.resolve("index").toString(), "-k", "2", png.toString());
    assertEquals(0, search.status(), search.err());
    List<String> nearest = new java.util.ArrayList<>();
    for (JsonNode r : JSON.readTree(search.out()).get("results"))
      nearest.add(Path.of(r.get("path").asText()).getFileName().toString());
    assertEquals(java.util.Set.of("IMG_0001.HEIC", "photo.avif"), java.util.Set.copyOf(nearest));
  }
}
