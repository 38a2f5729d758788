package dss.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dss.model.Models;
import dss.model.TestModels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code dreamsim model export|verify|list}: the parts that run without network or Python. */
class ModelCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void verifyProvesTheTestModelEndToEnd() throws Exception {
    CliRun run = CliRun.of("model", "verify", "test", "--device", "cpu", "--threads", "1");
    assertEquals(0, run.status(), run.err());
    JsonNode result = JSON.readTree(run.out());
    assertEquals("test-model", result.get("name").asText());
    assertEquals("ok", result.get("checksum").asText());
    assertEquals(8, result.get("images").size());
    for (JsonNode image : result.get("images")) {
      assertTrue(image.get("cosine").asDouble() >= 0.99, image.toString());
      assertTrue(image.get("runtime_cosine").asDouble() >= 0.9999, image.toString());
    }
    assertTrue(result.get("ok").asBoolean());
  }

  @Test
  void verifyFailsOnAModelThatDiffersFromItsGolden(@TempDir Path dir) throws Exception {
    // the fp16 network under the fp32 model's manifest: same numbers, but its checksum cannot match
    Path test = TestModels.testModel().getParent();
    Path model = Files.copy(test.resolve("test-model-fp16.onnx"), dir.resolve("test-model.onnx"));
    Files.copy(test.resolve("test-model.json"), dir.resolve("test-model.json"));
    Files.writeString(
        dir.resolve("test-model.golden.json"),
        Files.readString(test.resolve("test-model.golden.json"))
            .replace("\"golden/", "\"" + test + "/golden/"));
    CliRun run = CliRun.of("model", "verify", model.toString(), "--device", "cpu");
    assertEquals(1, run.status(), run.err());
    JsonNode result = JSON.readTree(run.out());
    assertEquals("mismatch", result.get("checksum").asText());
    assertTrue(!result.get("ok").asBoolean());
  }

  @Test
  void verifyFailsBelowTheCosineThreshold(@TempDir Path dir) throws Exception {
    // the right model and checksum, but each image paired with the next image's golden embedding
    Path test = TestModels.testModel().getParent();
    Path model = Files.copy(TestModels.testModel(), dir.resolve("test-model.onnx"));
    Files.copy(test.resolve("test-model.json"), dir.resolve("test-model.json"));
    ObjectNode golden = (ObjectNode) JSON.readTree(test.resolve("test-model.golden.json").toFile());
    ArrayNode images = (ArrayNode) golden.get("images");
    JsonNode first = images.get(0).get("embedding");
    for (int i = 0; i < images.size(); i++) {
      ObjectNode image = (ObjectNode) images.get(i);
      image.set("embedding", i + 1 < images.size() ? images.get(i + 1).get("embedding") : first);
      image.put("file", test.resolve(image.get("file").asText()).toString());
      image.put("tensor", test.resolve(image.get("tensor").asText()).toString());
    }
    JSON.writeValue(dir.resolve("test-model.golden.json").toFile(), golden);
    CliRun run = CliRun.of("model", "verify", model.toString(), "--device", "cpu");
    assertEquals(1, run.status(), run.err());
    JsonNode result = JSON.readTree(run.out());
    assertEquals("ok", result.get("checksum").asText());
    assertTrue(result.get("min").asDouble() < 0.99, result.toString());
    assertTrue(!result.get("ok").asBoolean());
  }

  @Test
  void verifyReportsTensorsAndDistancesOfTheGoldenPairs() throws Exception {
    CliRun run = CliRun.of("model", "verify", "test", "--device", "cpu", "--threads", "1");
    assertEquals(0, run.status(), run.err());
    JsonNode result = JSON.readTree(run.out());
    JsonNode tensors = result.get("tensors"), distances = result.get("distances");
    assertEquals(8, tensors.get("images").asInt());
    assertTrue(tensors.get("max_difference").asInt() <= 1, tensors.toString());
    assertEquals(28, distances.get("pairs").asInt(), "every pair of the 8 golden images");
    assertTrue(distances.get("max_difference").asDouble() <= 1e-3, distances.toString());
    assertEquals(1e-3, distances.get("bound").asDouble(), 1e-12, "float32: the fixed bound");
    assertTrue(
        run.err().contains("distances over 28 golden pairs: max |Java - PyTorch| "), run.err());
    assertTrue(run.err().contains("tensors (exact preprocessing vs PyTorch): "), run.err());
  }

  @Test
  void verifyFailsOnAPerturbedModelNamingTheWorstPair(@TempDir Path dir) throws Exception {
    // the test model with its convolution weights scaled by 1 + 5% noise, under a manifest with its
    // own checksum: only the distances can tell
    Path test = TestModels.testModel().getParent();
    Path model = dir.resolve("test-model.onnx");
    Process p =
        new ProcessBuilder(
                "/usr/bin/python3",
                test.resolve("perturb_model.py").toString(),
                TestModels.testModel().toString(),
                model.toString(),
                "0.05")
            .redirectErrorStream(true)
            .start();
    String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    org.junit.jupiter.api.Assumptions.assumeTrue(
        p.waitFor() == 0 || !log.contains("No module named"),
        "/usr/bin/python3 with onnx and numpy unavailable: " + log);
    assertEquals(0, p.exitValue(), log);
    Files.writeString(
        dir.resolve("test-model.golden.json"),
        Files.readString(test.resolve("test-model.golden.json"))
            .replace("\"golden/", "\"" + test + "/golden/"));
    CliRun run =
        CliRun.of("model", "verify", model.toString(), "--device", "cpu", "--threads", "1");
    assertEquals(1, run.status(), run.err());
    JsonNode result = JSON.readTree(run.out());
    assertEquals("ok", result.get("checksum").asText());
    JsonNode distances = result.get("distances");
    assertTrue(
        !distances.get("ok").asBoolean() && distances.get("max_difference").asDouble() > 1e-3,
        distances.toString());
    String worst = distances.get("worst_pair").asText();
    assertTrue(
        run.err().contains("FAILED: the distance of pair " + worst + " differs from PyTorch's by "),
        run.err());
    assertTrue(
        result.get("tensors").get("ok").asBoolean(), "the preprocessing is not what changed");
    assertTrue(
        result.get("min").asDouble() >= 0.99,
        "a cosine check alone would have passed it: " + result);

    // a reduced-precision file whose export measured and accepted that much error: its bound is
    // 1e-3 + that
    double error = distances.get("max_difference").asDouble();
    ObjectNode manifest = (ObjectNode) JSON.readTree(dir.resolve("test-model.json").toFile());
    manifest.put("max_distance_error", error);
    JSON.writeValue(dir.resolve("test-model.json").toFile(), manifest);
    CliRun lenient =
        CliRun.of("model", "verify", model.toString(), "--device", "cpu", "--threads", "1");
    assertEquals(0, lenient.status(), lenient.err());
    assertEquals(
        1e-3 + error, JSON.readTree(lenient.out()).get("distances").get("bound").asDouble(), 1e-9);
  }

  @Test
  void verifyNeedsAGoldenFile(@TempDir Path dir) throws Exception {
    Path model = Files.copy(TestModels.testModel(), dir.resolve("m.onnx"));
    CliRun run = CliRun.of("model", "verify", model.toString());
    assertEquals(1, run.status());
    assertTrue(
        run.err()
            .contains(model + ": no golden file (" + dir.resolve("m.golden.json") + " is missing)"),
        run.err());
  }

  @Test
  void exportExplainsAMissingPython() {
    CliRun run = CliRun.of("model", "export", "dino_vitb16", "--python", "/nonexistent/python3");
    assertEquals(1, run.status());
    assertTrue(
        run.err()
            .contains(
                "python3 was not found ('/nonexistent/python3'); the export needs Python 3.10-3.13"),
        run.err());
  }

  @Test
  void exportNamesAnUnsupportedPythonVersion() {
    assertNull(ModelExport.pythonProblem("3.10\n"));
    assertNull(ModelExport.pythonProblem("3.13"));
    assertTrue(
        ModelExport.pythonProblem("3.9")
            .startsWith("found Python 3.9; the export needs Python 3.10 to 3.13"));
    assertTrue(ModelExport.pythonProblem("3.14").startsWith("found Python 3.14;"));
    assertTrue(ModelExport.pythonProblem("2.7").startsWith("found Python 2.7;"));
    assertTrue(
        ModelExport.pythonProblem("garbage").startsWith("could not read the Python version"));
  }

  @Test
  void exportRefusesUnknownVariants() {
    CliRun run = CliRun.of("model", "export", "vit_huge");
    assertEquals(2, run.status());
    assertTrue(run.err().contains("unknown variant 'vit_huge'"), run.err());
  }

  @Test
  void listNamesTheCommandForMissingVariants() throws Exception {
    CliRun run = CliRun.of("model", "list");
    assertEquals(0, run.status(), run.err());
    JsonNode list = JSON.readTree(run.out());
    assertEquals(Models.VARIANTS.size(), list.size());
    for (JsonNode entry : list) {
      String variant = entry.get("variant").asText();
      boolean present =
          Files.isRegularFile(TestModels.models().fileFor(variant, false))
              || Files.isRegularFile(TestModels.models().fileFor(variant, true));
      assertEquals(present, entry.get("files").size() > 0, entry.toString());
      if (!present) assertEquals("./dreamsim model export " + variant, entry.get("get").asText());
      assertEquals(
          variant.equals(Models.DEFAULT_VARIANT),
          entry.get("is_default").asBoolean(),
          entry.toString());
    }
  }

  @Test
  void listShowsTheInt8AndHalfPrecisionFiles(@TempDir Path dir) throws Exception {
    Models models = new Models(dir);
    Files.writeString(dir.resolve("dreamsim-ensemble.onnx"), "x");
    Files.writeString(dir.resolve("dreamsim-ensemble-int8.onnx"), "x");
    Files.writeString(dir.resolve("dreamsim-dino_vitb16-fp16.onnx"), "x");
    Map<String, List<String>> files = new java.util.HashMap<>();
    for (ModelCommand.ListModels.Entry e : ModelCommand.ListModels.entries(models))
      files.put(e.variant(), e.files());
    assertEquals(
        List.of(
            dir.resolve("dreamsim-ensemble.onnx").toString(),
            dir.resolve("dreamsim-ensemble-int8.onnx").toString()),
        files.get("ensemble"));
    assertEquals(
        List.of(dir.resolve("dreamsim-dino_vitb16-fp16.onnx").toString()),
        files.get("dino_vitb16"));
    assertEquals(List.of(), files.get("open_clip_vitb32"));
  }
}
