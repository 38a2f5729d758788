package dss.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dss.model.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which of a variant's files a command picks for its device: on a GPU the float16 file when the
 * export measured it on CUDA within the gate, on a CPU the int8 file within the gate, the float32
 * file with --float32 or otherwise. The choice is made before any session opens, so it is tested
 * here without a GPU; the installation holds dino_vitb16 as the test model and its float16 test
 * copy standing in for both faster files.
 */
class Fp16SelectionTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path root;
  Path models;

  @BeforeEach
  void installation() throws Exception {
    models = Files.createDirectories(root.resolve("models"));
    Path half = TestModels.testModel().resolveSibling("test-model-fp16.onnx");
    Files.copy(TestModels.testModel(), models.resolve("dreamsim-dino_vitb16.onnx"));
    manifest("dreamsim-dino_vitb16", null, null);
    Files.copy(half, models.resolve("dreamsim-dino_vitb16-int8.onnx"));
    manifest("dreamsim-dino_vitb16-int8", 0.004, null);
    Files.copy(half, models.resolve("dreamsim-dino_vitb16-fp16.onnx"));
    manifest("dreamsim-dino_vitb16-fp16", 0.001, "cuda");
  }

  private void manifest(String name, Double maxDistanceError, String measuredOn) throws Exception {
    ObjectNode m =
        JSON.createObjectNode()
            .put("name", name)
            .put("variant", "dino_vitb16")
            .put("dimensions", 1792);
    if (maxDistanceError != null) m.put("max_distance_error", maxDistanceError);
    if (measuredOn != null) m.put("measured_on", measuredOn);
    JSON.writeValue(models.resolve(name + ".json").toFile(), m);
  }

  private String chosen(String... options) throws Exception {
    String[] args = new String[options.length + 4];
    args[0] = "embed";
    args[1] = "--model";
    args[2] = "dino_vitb16";
    System.arraycopy(options, 0, args, 3, options.length);
    args[args.length - 1] = "x.jpg";
    var parsed = Main.commandLine(new Settings(Map.of(), null)).parseArgs(args);
    EmbedCommand embed = parsed.subcommand().commandSpec().commandLine().getCommand();
    synchronized (Main.class) { // the installation root is process-wide
      Workspace.override(root);
      try {
        return embed.modelOptions.modelFile().getFileName().toString();
      } finally {
        Workspace.override(null);
      }
    }
  }

  @Test
  void onAGpuTheFloat16FileMeasuredOnCuda() throws Exception {
    assertEquals("dreamsim-dino_vitb16-fp16.onnx", chosen("--device", "cuda"));
    assertEquals("dreamsim-dino_vitb16-fp16.onnx", chosen("--device", "cuda:1"));
    assertEquals("dreamsim-dino_vitb16.onnx", chosen("--device", "cuda", "--float32"));
    assertEquals("dreamsim-dino_vitb16-int8.onnx", chosen("--device", "cpu"));
  }

  @Test
  void notAFloat16FileMeasuredOnlyOnTheCpu() throws Exception {
    manifest(
        "dreamsim-dino_vitb16-fp16", 0.001, "cpu (ops without float16 CPU kernels ran in float32)");
    assertEquals("dreamsim-dino_vitb16.onnx", chosen("--device", "cuda"));
  }

  @Test
  void notAFloat16FileAboveTheGateOrWithoutAMeasurement() throws Exception {
    manifest("dreamsim-dino_vitb16-fp16", 0.02, "cuda");
    assertEquals("dreamsim-dino_vitb16.onnx", chosen("--device", "cuda"));
    manifest("dreamsim-dino_vitb16-fp16", null, null);
    assertEquals("dreamsim-dino_vitb16.onnx", chosen("--device", "cuda"));
  }
}
