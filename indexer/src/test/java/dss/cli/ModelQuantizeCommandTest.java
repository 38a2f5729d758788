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
 * {@code dreamsim model quantize} on the checked-in tiny ViT (models/test/test-vit.onnx): the real Python rewrite
 * (python3-onnx and numpy), the real ONNX Runtime on the result. Skips when /usr/bin/python3 lacks onnx.
 */
class ModelQuantizeCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path VIT = TestModels.root().resolve("models/test/test-vit.onnx");

  @BeforeAll static void needsPythonOnnx() throws Exception {
    Process p = new ProcessBuilder("/usr/bin/python3", "-c", "import onnx, numpy").redirectErrorStream(true).start();
    boolean ok = p.waitFor() == 0;
    Assumptions.assumeTrue(ok, "/usr/bin/python3 with onnx and numpy unavailable (apt-get install python3-onnx): "
        + "skipped");
  }

  @Test void writesAnInt8GraphThatRunsAndReportsItsDistanceError(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("vit-int8.onnx");
    CliRun run = CliRun.of("model", "quantize", VIT.toString(), out.toString(), "--threads", "1");
    assertEquals(0, run.status(), run.err());
    JsonNode result = JSON.readTree(run.out());
    assertEquals(8, result.get("images").asInt());
    assertEquals(28, result.get("pairs").asInt()); // every pair of the 8 golden images
    double max = result.get("max_distance_error").asDouble();
    double mean = result.get("mean_distance_error").asDouble();
    assertTrue(max > 0 && max <= 0.01, result.toString()); // int8 changes the numbers, within the bound
    assertTrue(mean > 0 && mean <= max, result.toString());
    assertTrue(result.get("ok").asBoolean());
    assertTrue(Files.isRegularFile(out));
    try (var files = Files.list(dir)) {
      assertEquals(List.of(out), files.toList(), "only OUT is left");
    }
    String graph = Files.readString(out, java.nio.charset.StandardCharsets.ISO_8859_1);
    assertTrue(graph.contains("DynamicQuantizeMatMul"), "no DynamicQuantizeMatMul node in " + out);
    assertTrue(Files.size(out) < Files.size(VIT), "int8 weights should make the file smaller");
    // the int8 file runs on its own in the runtime, and stays close to the float model on a golden tensor
    float[] tensor = dss.model.Golden.read(VIT.resolveSibling("test-vit.golden.json")).images().get(0).readTensor();
    try (Embedder a = Embedder.open(VIT, "cpu", 1, 1); Embedder b = Embedder.open(out, "cpu", 1, 1)) {
      float[][] x = a.embed(List.of(tensor)), y = b.embed(List.of(tensor));
      assertEquals(256, y[0].length);
      assertTrue(dss.model.Vectors.cosine(x[0], y[0]) > 0.99);
    }
  }

  @Test void refusesAboveTheBoundAndLeavesNoFile(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("vit-int8.onnx");
    CliRun run = CliRun.of("model", "quantize", VIT.toString(), out.toString(), "--bound", "1e-9", "--threads", "1");
    assertEquals(1, run.status(), run.err());
    JsonNode result = JSON.readTree(run.out());
    assertFalse(result.get("ok").asBoolean());
    assertTrue(result.get("max_distance_error").asDouble() > 1e-9);
    assertTrue(run.err().contains("refused: the largest distance error"), run.err());
    try (var files = Files.list(dir)) {
      assertEquals(List.of(), files.toList(), "a refused quantisation leaves nothing behind");
    }
  }

  @Test void aModelWithoutMatrixMultipliesIsAClearError(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("conv-int8.onnx");
    CliRun run = CliRun.of("model", "quantize", TestModels.testModel().toString(), out.toString());
    assertEquals(1, run.status(), run.err());
    assertTrue(run.err().contains("no MatMul or Gemm with a constant weight"), run.err());
    assertFalse(Files.exists(out));
  }
}
