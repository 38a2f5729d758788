package dss.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dss.model.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On a CPU a variant's int8 file is used when its manifest says it passed the export's distance
 * gate; --float32 forces the float32 file; an index keeps the file that built it. An installation
 * root holds dino_vitb16 as the test model (float32) and, standing in for its int8 copy, the test
 * model's float16 file (another checksum).
 */
class Int8SelectionTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path root;
  Path lib;

  @BeforeEach
  void installation() throws Exception {
    Path models = Files.createDirectories(root.resolve("models"));
    Path test = TestModels.testModel().getParent();
    Files.copy(TestModels.testModel(), models.resolve("dreamsim-dino_vitb16.onnx"));
    manifest(models.resolve("dreamsim-dino_vitb16.json"), "dreamsim-dino_vitb16", null);
    Files.copy(
        test.resolve("test-model-fp16.onnx"), models.resolve("dreamsim-dino_vitb16-int8.onnx"));
    manifest(models.resolve("dreamsim-dino_vitb16-int8.json"), "dreamsim-dino_vitb16-int8", 0.004);
    lib = Files.createDirectories(root.resolve("lib"));
    IndexCommandTest.image(lib.resolve("a.png"), 1);
  }

  private static void manifest(Path file, String name, Double maxDistanceError) throws Exception {
    ObjectNode m =
        JSON.createObjectNode()
            .put("name", name)
            .put("variant", "dino_vitb16")
            .put("dimensions", 1792);
    if (maxDistanceError != null)
      m.put("max_distance_error", maxDistanceError).put("precision", "int8");
    JSON.writeValue(file.toFile(), m);
  }

  private String indexAndName(String index, String... extra) throws Exception {
    String[] args = {
      "index",
      "--index",
      root.resolve(index).toString(),
      "--model",
      "dino_vitb16",
      "--device",
      "cpu",
      "--threads=1"
    };
    String[] all = java.util.Arrays.copyOf(args, args.length + extra.length + 1);
    System.arraycopy(extra, 0, all, args.length, extra.length);
    all[all.length - 1] = lib.toString();
    CliRun run = CliRun.in(root, all);
    assertEquals(0, run.status(), run.err());
    CliRun stats = CliRun.in(root, "stats", "--index", root.resolve(index).toString());
    return JSON.readTree(stats.out()).get("model").asText();
  }

  @Test
  void theInt8FileOnACpuUnlessFloat32IsAsked() throws Exception {
    assertEquals("dreamsim-dino_vitb16-int8", indexAndName("a"));
    assertEquals("dreamsim-dino_vitb16", indexAndName("b", "--float32"));
  }

  @Test
  void checkAcceptsAnyFileOfTheVariant() throws Exception {
    assertEquals("dreamsim-dino_vitb16-int8", indexAndName("c"));
    CliRun check =
        CliRun.in(
            root,
            "check",
            "--fast",
            "--index",
            root.resolve("c").toString(),
            "--model",
            "dino_vitb16");
    assertEquals(0, check.status(), check.err());
    assertEquals(true, JSON.readTree(check.out()).get("model_matches").asBoolean(), check.out());
    CliRun other =
        CliRun.in(
            root,
            "check",
            "--fast",
            "--index",
            root.resolve("c").toString(),
            "--model",
            TestModels.testModel().toString());
    assertEquals(
        1, other.status(), "the float32 file given as a path is another model: " + other.err());
  }

  @Test
  void anIndexKeepsTheFileThatBuiltIt() throws Exception {
    assertEquals("dreamsim-dino_vitb16", indexAndName("f", "--float32"));
    IndexCommandTest.image(lib.resolve("b.png"), 2);
    assertEquals(
        "dreamsim-dino_vitb16", indexAndName("f"), "no --float32: still the index's own file");
    CliRun search =
        CliRun.in(
            root,
            "search",
            "--index",
            root.resolve("f").toString(),
            "--model",
            "dino_vitb16",
            "--device",
            "cpu",
            lib.resolve("b.png").toString());
    assertEquals(0, search.status(), search.err());
  }

  @Test
  void anInt8FileAboveTheGateIsNotUsed() throws Exception {
    manifest(
        root.resolve("models/dreamsim-dino_vitb16-int8.json"), "dreamsim-dino_vitb16-int8", 0.02);
    assertEquals("dreamsim-dino_vitb16", indexAndName("g"));
  }
}
