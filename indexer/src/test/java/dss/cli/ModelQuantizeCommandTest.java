package dss.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dss.model.Embedder;
import dss.model.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dreamsim model quantize} on the checked-in tiny ViT (models/test/test-vit.onnx): the real
 * Python rewrite (python3-onnx and numpy), the real ONNX Runtime on the result. Skips when
 * /usr/bin/python3 lacks onnx.
 */
class ModelQuantizeCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path VIT = TestModels.root().resolve("models/test/test-vit.onnx");

  /**
   * The system's Python, named so that a models/.venv (with onnxruntime) does not change what is
   * tested.
   */
  private static final String PYTHON = "/usr/bin/python3";

  /** Whether PYTHON has onnxruntime's quantiser, which then goes first (Debian packages none). */
  private static boolean ortQuantizer;

  @BeforeAll
  static void needsPythonOnnx() throws Exception {
    Assumptions.assumeTrue(
        imports("onnx, numpy"),
        PYTHON + " with onnx and numpy unavailable " + "(apt-get install python3-onnx): skipped");
    ortQuantizer = imports("onnxruntime.quantization");
  }

  private static boolean imports(String modules) throws Exception {
    return new ProcessBuilder(PYTHON, "-c", "import " + modules)
            .redirectErrorStream(true)
            .start()
            .waitFor()
        == 0;
  }

  @Test
  void writesAnInt8GraphThatRunsAndReportsItsDistanceError(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("vit-int8.onnx");
    CliRun run =
        CliRun.of(
            "model",
            "quantize",
            VIT.toString(),
            out.toString(),
            "--threads",
            "1",
            "--min-speedup",
            "0", // the tiny ViT's speed is not what this test is about (refusedWhenNotFaster is)
            "--python",
            PYTHON);
    assertEquals(0, run.status(), run.err());
    assertFalse(result(run).has("speedup"), "--min-speedup 0 measures no speed");
    JsonNode result = JSON.readTree(run.out());
    JsonNode attempts = result.get("attempts");
    assertEquals(
        ortQuantizer ? "onnxruntime" : "own", attempts.get(0).get("quantizer").asText(), run.out());
    JsonNode kept = attempts.get(attempts.size() - 1);
    assertEquals(kept.get("quantizer").asText(), result.get("quantizer").asText());
    assertEquals(
        kept.get("max_distance_error").asDouble(), result.get("max_distance_error").asDouble());
    assertEquals(8, result.get("images").asInt());
    assertEquals(28, result.get("pairs").asInt()); // every pair of the 8 golden images
    double max = result.get("max_distance_error").asDouble();
    double mean = result.get("mean_distance_error").asDouble();
    assertTrue(
        max > 0 && max <= 0.01, result.toString()); // int8 changes the numbers, within the bound
    assertTrue(mean > 0 && mean <= max, result.toString());
    assertTrue(result.get("ok").asBoolean());
    assertTrue(Files.isRegularFile(out));
    try (var files = Files.list(dir)) {
      assertEquals(List.of(out), files.toList(), "only OUT is left");
    }
    String graph = Files.readString(out, java.nio.charset.StandardCharsets.ISO_8859_1);
    String node =
        result.get("quantizer").asText().equals("own") ? "DynamicQuantizeMatMul" : "MatMulInteger";
    assertTrue(graph.contains(node), "no " + node + " node in " + out);
    assertTrue(Files.size(out) < Files.size(VIT), "int8 weights should make the file smaller");
    // the int8 file runs on its own in the runtime, and stays close to the float model on a golden
    // tensor
    float[] tensor =
        dss.model.Golden.read(VIT.resolveSibling("test-vit.golden.json"))
            .images()
            .get(0)
            .readTensor();
    try (Embedder a = Embedder.open(VIT, "cpu", 1, 1);
        Embedder b = Embedder.open(out, "cpu", 1, 1)) {
      float[][] x = a.embed(List.of(tensor)), y = b.embed(List.of(tensor));
      assertEquals(256, y[0].length);
      assertTrue(dss.model.Vectors.cosine(x[0], y[0]) > 0.99);
    }
  }

  private static JsonNode result(CliRun run) throws Exception {
    return JSON.readTree(run.out());
  }

  /**
   * The speed gate: an int8 file that is not the required times as fast as float32 on this machine
   * is not kept, and the answer carries both measured rates. No CPU makes the tiny ViT 1000x as
   * fast, so the refusal does not depend on the machine; without the gate OUT would be written.
   */
  @Test
  void refusedWhenNotFasterThanFloat32Here(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("vit-int8.onnx");
    CliRun run =
        CliRun.of(
            "model",
            "quantize",
            VIT.toString(),
            out.toString(),
            "--threads",
            "1",
            "--min-speedup",
            "1000",
            "--speed-seconds",
            "1",
            "--python",
            PYTHON);
    assertEquals(1, run.status(), run.err());
    JsonNode result = result(run);
    assertFalse(result.get("ok").asBoolean());
    assertTrue(result.get("float32_img_per_s").asDouble() > 0, result.toString());
    assertTrue(result.get("int8_img_per_s").asDouble() > 0, result.toString());
    assertEquals(1, result.get("threads").asInt());
    assertTrue(result.get("refused").asText().contains("below the 1000.00x required"), run.out());
    assertTrue(run.err().contains("refused: the int8 file ran at"), run.err());
    try (var files = Files.list(dir)) {
      assertEquals(List.of(), files.toList(), "a refused quantisation leaves nothing behind");
    }
  }

  @Test
  void refusesAboveTheBoundAndLeavesNoFile(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("vit-int8.onnx");
    CliRun run =
        CliRun.of(
            "model",
            "quantize",
            VIT.toString(),
            out.toString(),
            "--bound",
            "1e-9",
            "--threads",
            "1",
            "--python",
            PYTHON);
    assertEquals(1, run.status(), run.err());
    JsonNode result = JSON.readTree(run.out());
    assertFalse(result.get("ok").asBoolean());
    assertTrue(result.get("max_distance_error").asDouble() > 1e-9);
    assertEquals(
        ortQuantizer ? 2 : 1, result.get("attempts").size(), "every rewrite tried before refusing");
    assertTrue(run.err().contains("refused: the largest distance error"), run.err());
    try (var files = Files.list(dir)) {
      assertEquals(List.of(), files.toList(), "a refused quantisation leaves nothing behind");
    }
  }

  @Test
  void aModelWithoutMatrixMultipliesIsAClearError(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("conv-int8.onnx");
    CliRun run =
        CliRun.of(
            "model",
            "quantize",
            TestModels.testModel().toString(),
            out.toString(),
            "--python",
            PYTHON);
    assertEquals(1, run.status(), run.err());
    assertTrue(run.err().contains("no MatMul or Gemm with a constant weight"), run.err());
    assertFalse(Files.exists(out));
  }
}
