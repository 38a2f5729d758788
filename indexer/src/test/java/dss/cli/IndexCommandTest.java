package dss.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dss.index.ImageIndex;
import dss.index.IndexConfig;
import dss.index.lucene.LuceneIndex;
import dss.model.Embedder;
import dss.model.TestModels;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * index, search and stats commands end to end: real files, the test model, a real index on disk.
 */
class IndexCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;
  Path lib;
  String index;

  @BeforeEach
  void library() throws Exception {
    lib = tmp.resolve("lib");
    index = tmp.resolve("index").toString();
    for (int i = 0; i < 5; i++) image(lib.resolve("cats/c" + i + ".png"), i);
    for (int i = 5; i < 8; i++) image(lib.resolve("dogs/d" + i + ".png"), i);
  }

  static void image(Path file, long seed) throws Exception {
    Random random = new Random(seed);
    BufferedImage im = new BufferedImage(64, 48, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = im.createGraphics();
    for (int i = 0; i < 8; i++) {
      g.setColor(new Color(random.nextInt(0x1000000)));
      g.fillRect(
          random.nextInt(64), random.nextInt(48), 1 + random.nextInt(64), 1 + random.nextInt(48));
    }
    g.dispose();
    Files.createDirectories(file.getParent());
    ImageIO.write(im, "png", file.toFile());
  }

  CliRun index(String... extra) {
    List<String> args =
        new java.util.ArrayList<>(List.of("index", "--index", index, "--model", "test"));
    args.addAll(List.of(extra));
    args.add(lib.toString());
    return CliRun.of(args.toArray(String[]::new));
  }

  @Test
  void indexThenReRunThenStatsAndSearch() throws Exception {
    long start = System.nanoTime();
    CliRun first = index();
    double wall = (System.nanoTime() - start) / 1e9;
    assertEquals(0, first.status(), first.err());
    JsonNode s = JSON.readTree(first.out());
    assertEquals(
        List.of("added", "updated", "unchanged", "removed", "failed", "skipped", "seconds"),
        iterable(s.fieldNames()));
    assertEquals(8, s.get("added").asInt());
    // rounded to the millisecond: embedding eight images takes more than that, and less than the
    // whole command
    assertTrue(
        s.get("seconds").isNumber()
            && s.get("seconds").asDouble() > 0
            && s.get("seconds").asDouble() <= wall + 0.0005,
        "seconds " + s.get("seconds") + ", wall " + wall);

    JsonNode again = JSON.readTree(index().out());
    assertEquals(8, again.get("unchanged").asInt());
    assertEquals(0, again.get("added").asInt());

    CliRun statsRun = CliRun.of("stats", "--index", index);
    assertEquals(0, statsRun.status(), statsRun.err());
    JsonNode stats = JSON.readTree(statsRun.out());
    assertEquals(8, stats.get("documents").asInt());
    assertEquals("test-model", stats.get("model").asText());
    assertEquals(1792, stats.get("dimensions").asInt());
    assertEquals("none", stats.get("quantization").asText());
    assertTrue(stats.get("segments").asInt() >= 1);
    assertTrue(stats.get("bytes").asLong() > 8L * 1792 * 4);

    Path query = lib.resolve("dogs/d6.png");
    start = System.nanoTime();
    CliRun byImage = CliRun.of("search", "--index", index, "-k", "3", query.toString());
    double wallMs = (System.nanoTime() - start) / 1e6;
    assertEquals(0, byImage.status(), byImage.err());
    JsonNode results = JSON.readTree(byImage.out()).get("results");
    assertEquals(3, results.size());
    JsonNode top = results.get(0);
    assertEquals(query.toAbsolutePath().toString(), top.get("path").asText());
    assertEquals(0.0, top.get("distance").asDouble(), 1e-4);
    assertEquals(64, top.get("width").asInt());
    assertEquals(48, top.get("height").asInt());
    JsonNode tookMs = JSON.readTree(byImage.out()).get("took_ms");
    assertTrue(tookMs != null && tookMs.isNumber(), "took_ms is a number: " + byImage.out());
    // decode, model and search of one image (not the model's loading): some time, within the
    // command's wall time
    assertTrue(
        tookMs.asDouble() > 0 && tookMs.asDouble() <= wallMs + 0.005,
        tookMs + " ms, wall " + wallMs + " ms");

    CliRun byId =
        CliRun.of(
            "search",
            "--index",
            index,
            "--id",
            top.get("id").asText(),
            "-k",
            "8",
            "--path-prefix",
            lib.resolve("cats").toString() + "/");
    assertEquals(0, byId.status(), byId.err());
    JsonNode cats = JSON.readTree(byId.out()).get("results");
    assertEquals(5, cats.size(), "only the five cats match the prefix");
    double previous = 0;
    for (JsonNode r : cats) {
      assertTrue(r.get("path").asText().contains("/cats/"));
      assertTrue(r.get("distance").asDouble() >= previous, "nearest first");
      previous = r.get("distance").asDouble();
    }

    CliRun near =
        CliRun.of(
            "search", "--index", index, "--id", top.get("id").asText(), "--max-distance", "0");
    assertEquals(1, JSON.readTree(near.out()).get("results").size(), "only itself at distance 0");
  }

  @Test
  void badFilesGoToTheErrorsFileAndExitOne() throws Exception {
    Files.writeString(lib.resolve("cats/broken.png"), "not a png");
    Path errors = tmp.resolve("errors.jsonl");
    CliRun run = index("--errors", errors.toString());
    assertEquals(1, run.status(), run.err());
    JsonNode s = JSON.readTree(run.out());
    assertEquals(8, s.get("added").asInt());
    assertEquals(1, s.get("failed").asInt());
    List<String> lines = Files.readAllLines(errors);
    assertEquals(1, lines.size());
    JsonNode line = JSON.readTree(lines.get(0));
    assertEquals(
        lib.resolve("cats/broken.png").toAbsolutePath().toString(), line.get("path").asText());
    assertTrue(line.get("error").asText().contains("not an image"), line.toString());
    assertTrue(run.err().contains("broken.png"), run.err());
  }

  @Test
  void secondWriterGetsAClearMessage() throws Exception {
    try (Embedder model = Embedder.open(TestModels.testModel(), "cpu", 1, 1);
        ImageIndex held =
            LuceneIndex.openWritable(Path.of(index), model.info(), IndexConfig.DEFAULT)) {
      CliRun run = index();
      assertEquals(3, run.status(), "its own exit status: not 'some inputs failed'");
      assertTrue(run.err().contains("index " + index + " is in use by another process"), run.err());
      assertTrue(!run.err().contains("\tat "), "no stack trace: " + run.err());
    }
  }

  @Test
  void controlCharactersInFileNamesAreEscapedOnTheTerminal() throws Exception {
    Path evil = lib.resolve("cats/evil\n\u001b[2Jname.png");
    Files.writeString(evil, "not a png");
    CliRun run = index();
    assertEquals(1, run.status());
    assertTrue(run.err().contains("evil\\u000a\\u001b[2Jname.png: "), run.err());
    assertTrue(run.err().chars().noneMatch(c -> c == 0x1b), "no raw escape character on stderr");
  }

  @Test
  void aHugeFileIsRefusedBeforeReadingAndTheRestIsIndexed() throws Exception {
    // 3 GiB, sparse: starts like a JPEG. Reading it whole would end the run with an
    // OutOfMemoryError.
    Path huge = lib.resolve("dogs/huge.jpg");
    try (var f = new java.io.RandomAccessFile(huge.toFile(), "rw")) {
      f.write(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0});
      f.setLength(3L << 30);
    }
    CliRun run = index();
    assertEquals(1, run.status(), run.err());
    assertTrue(
        run.err().contains("huge.jpg: file too large: 3221225472 bytes, above the limit"),
        run.err());
    assertEquals(
        8, JSON.readTree(run.out()).get("added").asInt(), "the good photos beside it are indexed");
  }

  @Test
  void maxFileMbRefusesLargerFilesNamingTheLimit() throws Exception {
    Path big = lib.resolve("dogs/big.jpg"); // 2 MiB, starts like a JPEG
    try (var f = new java.io.RandomAccessFile(big.toFile(), "rw")) {
      f.write(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0});
      f.setLength(2L << 20);
    }
    CliRun run = index("--max-file-mb", "1");
    assertEquals(1, run.status(), run.err());
    assertTrue(
        run.err()
            .contains(
                "big.jpg: file too large: 2097152 bytes, above the limit of 1048576 bytes"
                    + " (1 MiB)"),
        run.err());
    JsonNode summary = JSON.readTree(run.out());
    assertEquals(8, summary.get("added").asInt());
    assertEquals(1, summary.get("failed").asInt());

    Files.delete(big);
    CliRun zero = index("--max-file-mb", "0");
    assertEquals(2, zero.status());
    assertTrue(zero.err().contains("--max-file-mb must be at least 1"), zero.err());
  }

  @Test
  void anotherModelIsAClearError() throws Exception {
    assertEquals(0, index().status());
    CliRun run =
        CliRun.of(
            "search",
            "--index",
            index,
            "--model",
            TestModels.root().resolve("models/test/test-model-fp16.onnx").toString(),
            lib.resolve("cats/c1.png").toString());
    assertEquals(1, run.status());
    assertTrue(run.err().contains("was built with model test-model"), run.err());
  }

  @Test
  void quantizedIndexKeepsItsStorage() throws Exception {
    assertEquals(0, index("--quantization", "int4").status());
    assertEquals(
        "int4",
        JSON.readTree(CliRun.of("stats", "--index", index).out()).get("quantization").asText());
    CliRun search =
        CliRun.of("search", "--index", index, "-k", "1", lib.resolve("dogs/d5.png").toString());
    assertEquals(
        0.0,
        JSON.readTree(search.out()).get("results").get(0).get("distance").asDouble(),
        1e-4,
        "full-precision rescoring: the image itself at distance 0");
    assertEquals(0, index().status(), "no --quantization: the index's own");
    CliRun other = index("--quantization", "int8");
    assertEquals(2, other.status());
    assertTrue(other.err().contains("stores vectors as int4"), other.err());
  }

  @Test
  void mergeLeavesOneSegment() throws Exception {
    assertEquals(0, index("--commit-every", "2").status());
    int before = JSON.readTree(CliRun.of("stats", "--index", index).out()).get("segments").asInt();
    assertTrue(before > 1, "a commit every 2 images leaves several segments, got " + before);
    assertEquals(0, index("--merge").status());
    JsonNode after = JSON.readTree(CliRun.of("stats", "--index", index).out());
    assertEquals(1, after.get("segments").asInt());
    assertEquals(8, after.get("documents").asInt());
  }

  @Test
  void usageErrors() {
    assertEquals(2, index("--quantization", "int3").status());
    assertEquals(2, CliRun.of("search", "--index", index).status(), "IMAGE or --id is required");
    CliRun missing = CliRun.of("stats", "--index", tmp.resolve("nothing").toString());
    assertEquals(1, missing.status());
    assertTrue(missing.err().contains("no index at"), missing.err());
  }

  private static List<String> iterable(java.util.Iterator<String> it) {
    List<String> out = new java.util.ArrayList<>();
    it.forEachRemaining(out::add);
    return out;
  }
}
