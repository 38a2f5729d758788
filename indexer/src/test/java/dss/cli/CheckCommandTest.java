package dss.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dss.model.TestModels;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dreamsim check} on an index built by {@code dreamsim index} with the test model, and on
 * damaged copies of it: bytes flipped in the middle of the vectors, single bits flipped in the
 * stored fields; {@code serve} refuses to start on a damaged index.
 */
class CheckCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path tmp;
  static Path index;

  @BeforeAll
  static void buildIndex() throws Exception {
    Path lib = tmp.resolve("lib");
    for (int i = 0; i < 12; i++) IndexCommandTest.image(lib.resolve("p" + i + ".png"), i);
    index = tmp.resolve("index");
    CliRun run = CliRun.of("index", "--index", index.toString(), "--model", "test", lib.toString());
    assertEquals(0, run.status(), run.err());
  }

  /** A copy of the index, to damage. */
  static Path copy(String name) throws IOException {
    Path to = tmp.resolve(name);
    Files.createDirectories(to);
    try (Stream<Path> files = Files.list(index)) {
      for (Path f : files.toList()) Files.copy(f, to.resolve(f.getFileName()));
    }
    return to;
  }

  static Path file(Path dir, String suffix) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .filter(f -> f.getFileName().toString().endsWith(suffix))
          .max((a, b) -> Long.compare(a.toFile().length(), b.toFile().length()))
          .orElseThrow();
    }
  }

  static JsonNode damaged(CliRun run, Path file) throws IOException {
    assertEquals(1, run.status(), run.out() + run.err());
    JsonNode report = JSON.readTree(run.out());
    assertFalse(report.get("healthy").asBoolean());
    String name = file.getFileName().toString();
    boolean named = false;
    for (JsonNode d : report.get("damage")) named |= name.equals(d.path("part").asText());
    assertTrue(named, "the report names " + name + ": " + report);
    assertTrue(
        report
            .get("recovery")
            .asText()
            .contains("re-index from the library (the photos are the source of" + " truth)"),
        report.toString());
    assertTrue(report.get("recovery").asText().contains("restore a backup"), report.toString());
    assertTrue(
        run.err().contains("is damaged") && run.err().contains(name),
        "one line on stderr: " + run.err());
    return report;
  }

  @Test
  void aHealthyIndexPasses() throws Exception {
    CliRun full = CliRun.of("check", "--index", index.toString());
    assertEquals(0, full.status(), full.err());
    JsonNode report = JSON.readTree(full.out());
    assertTrue(report.get("healthy").asBoolean(), report.toString());
    assertEquals("full", report.get("level").asText());
    assertEquals(12, report.get("documents").asInt());
    assertEquals("test-model", report.get("model").get("name").asText());
    assertTrue(
        report.get("details").get("commit").asText().startsWith("segments_"), report.toString());
    assertTrue(report.get("bytes_verified").asLong() > 12L * 1792 * 4, report.toString());
    assertEquals(0, report.get("damage").size());
    assertFalse(report.has("recovery"), report.toString());
    assertFalse(report.has("model_matches"), "no --model, no model check: " + report);

    CliRun fast = CliRun.of("check", "--index", index.toString(), "--fast");
    assertEquals(0, fast.status(), fast.err());
    assertEquals("fast", JSON.readTree(fast.out()).get("level").asText());
  }

  @Test
  void theModelBindingIsChecked() throws Exception {
    CliRun same = CliRun.of("check", "--index", index.toString(), "--fast", "--model", "test");
    assertEquals(0, same.status(), same.err());
    assertTrue(JSON.readTree(same.out()).get("model_matches").asBoolean(), same.out());

    String other = TestModels.root().resolve("models/test/test-model-fp16.onnx").toString();
    CliRun wrong = CliRun.of("check", "--index", index.toString(), "--fast", "--model", other);
    assertEquals(1, wrong.status(), wrong.out());
    JsonNode report = JSON.readTree(wrong.out());
    assertTrue(report.get("healthy").asBoolean(), "the files are fine: " + report);
    assertFalse(report.get("model_matches").asBoolean(), report.toString());
    assertTrue(
        wrong.err().contains("was built with model test-model")
            && wrong.err().contains("test-model-fp16"),
        wrong.err());
  }

  @Test
  void bytesFlippedInTheMiddleOfTheVectorsAreFound() throws Exception {
    Path bad = copy("vec");
    Path vec = file(bad, ".vec");
    try (RandomAccessFile f = new RandomAccessFile(vec.toFile(), "rw")) {
      long middle = f.length() / 2;
      for (long i = middle; i < middle + 16; i++) {
        f.seek(i);
        int b = f.read();
        f.seek(i);
        f.write(b ^ 0xFF);
      }
    }
    damaged(CliRun.of("check", "--index", bad.toString()), vec);
    assertEquals(
        0, CliRun.of("check", "--index", index.toString()).status(), "the original is untouched");
  }

  @Test
  void singleBitFlipsInTheStoredFieldsAreFound() throws Exception {
    long bits = Files.size(file(index, ".fdt")) * 8;
    for (int seed = 0; seed < 8; seed++) {
      Path bad = copy("fdt-" + seed);
      Path fdt = file(bad, ".fdt");
      long bit = Math.floorMod(new Random(seed).nextLong(), bits);
      try (RandomAccessFile f = new RandomAccessFile(fdt.toFile(), "rw")) {
        f.seek(bit / 8);
        int b = f.read();
        f.seek(bit / 8);
        f.write(b ^ (1 << (bit % 8)));
      }
      damaged(CliRun.of("check", "--index", bad.toString()), fdt);
      damaged(CliRun.of("check", "--index", bad.toString(), "--fast"), fdt);
    }
  }

  @Test
  void serveRefusesToStartOnADamagedIndex() throws Exception {
    Path bad = copy("serve");
    Path fdt = file(bad, ".fdt");
    try (RandomAccessFile f = new RandomAccessFile(fdt.toFile(), "rw")) {
      f.seek(f.length() / 2);
      int b = f.read();
      f.seek(f.length() / 2);
      f.write(b ^ 0x10);
    }
    // a child process: a server that started anyway would serve until stopped
    try (ServeProcess serve =
        ServeProcess.start(
            tmp.resolve("serve.log"),
            "--index",
            bad.toString(),
            "--model",
            "test",
            "--port",
            "0")) {
      assertEquals(null, serve.firstLine, "never listened");
      assertEquals(1, serve.awaitExit(), serve.log());
      String err = serve.log();
      assertTrue(err.contains("dreamsim serve: index " + bad + " is damaged"), err);
      assertTrue(err.contains(fdt.getFileName().toString()) && err.contains("re-index"), err);
      assertTrue(
          err.contains("./dreamsim check --index " + bad), "points to the full check: " + err);
    }
  }

  @Test
  void noIndexIsAClearError() {
    CliRun run = CliRun.of("check", "--index", tmp.resolve("nothing").toString());
    assertEquals(1, run.status());
    assertTrue(run.err().contains("no index at"), run.err());
    assertTrue(run.out().isEmpty());
  }
}
