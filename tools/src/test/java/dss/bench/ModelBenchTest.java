package dss.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dss.cli.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dreamsim bench model} runs both contenders and reports them (figures are not asserted: it
 * is a benchmark).
 */
class ModelBenchTest {
  @Test
  void reportsOursAndThePlainOrtPeer() throws Exception {
    CliRun run =
        CliRun.of(
            "bench",
            "model",
            "--model",
            "test",
            "--device",
            "cpu",
            "--threads",
            "1",
            "--batch",
            "2",
            "--seconds",
            "0.2",
            "--rounds",
            "1");
    assertEquals(0, run.status(), run.err());
    JsonNode result = new ObjectMapper().readTree(run.out());
    assertEquals("cpu", result.get("device").asText());
    assertEquals(2, result.get("batch").asInt());
    assertTrue(result.get("ours").get("batches").asInt() >= 1, run.out());
    assertTrue(result.get("plain_ort").get("batches").asInt() >= 1, run.out());
    for (String speed : new String[] {"img_per_sec", "ms_per_batch", "img_per_cpu_second"}) {
      assertTrue(result.get("ours").get(speed).isNumber(), speed + " in " + run.out());
    }
    assertTrue(run.err().contains("img/s"), run.err());
    assertTrue(
        !result.has("int8") || result.get("int8").isNull(), "the test model has no int8 file");
  }

  @Test
  void aVariantWithAnInt8FileGetsItsRowBesideFloat32(@TempDir Path root) throws Exception {
    // dino_vitb16 as the test model, and the test model's float16 file standing in for its int8
    // copy
    Path test = Path.of("").toAbsolutePath().getParent().resolve("models/test");
    Path models = Files.createDirectories(root.resolve("models"));
    Files.copy(test.resolve("test-model.onnx"), models.resolve("dreamsim-dino_vitb16.onnx"));
    Files.copy(
        test.resolve("test-model-fp16.onnx"), models.resolve("dreamsim-dino_vitb16-int8.onnx"));
    Files.writeString(
        models.resolve("dreamsim-dino_vitb16-int8.json"), "{\"max_distance_error\": 0.004}");
    Files.createSymbolicLink(
        models.resolve("test"), test); // the sample images the int8 error is measured on
    CliRun run =
        CliRun.in(
            root,
            "bench",
            "model",
            "--model",
            "dino_vitb16",
            "--device",
            "cpu",
            "--threads",
            "1",
            "--batch",
            "2",
            "--seconds",
            "0.3",
            "--rounds",
            "1");
    assertEquals(0, run.status(), run.err());
    JsonNode result = new ObjectMapper().readTree(run.out());
    assertTrue(
        result.get("model").asText().endsWith("dreamsim-dino_vitb16.onnx"),
        "the float32 row: " + run.out());
    assertTrue(
        result.get("int8_model").asText().endsWith("dreamsim-dino_vitb16-int8.onnx"), run.out());
    assertTrue(result.get("int8").get("batches").asInt() >= 1, run.out());
    assertTrue(result.get("int8_speedup").isNumber(), run.out());
    assertTrue(run.err().contains("dreamsim-dino_vitb16-int8.onnx (int8) on cpu"), run.err());
    int images =
        new ObjectMapper()
            .readTree(test.resolve("test-model.golden.json").toFile())
            .get("images")
            .size();
    JsonNode error = result.get("int8_error");
    assertEquals(images * (images - 1) / 2, error.get("pairs").asInt(), run.out());
    assertTrue(
        error.get("max").asDouble() > 0 && error.get("max").asDouble() < 0.01,
        "fp16 against fp32: " + error);
    assertTrue(error.get("mean").asDouble() <= error.get("max").asDouble(), error.toString());
  }
}
