package dss.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dss.model.Golden;
import dss.model.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dreamsim embed} and {@code dreamsim distance} on real files with the checked-in test
 * model.
 */
class EmbedCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static Golden golden() throws Exception {
    return Golden.read(TestModels.testModel().resolveSibling("test-model.golden.json"));
  }

  private static List<JsonNode> lines(String out) throws Exception {
    List<JsonNode> lines = new ArrayList<>();
    for (String line : out.strip().split("\n")) lines.add(JSON.readTree(line));
    return lines;
  }

  private static double cosine(JsonNode embedding, float[] expected) {
    double dot = 0;
    double norm = 0;
    for (int i = 0; i < expected.length; i++) {
      dot += embedding.get(i).asDouble() * expected[i];
      norm += (double) expected[i] * expected[i];
    }
    return dot / Math.sqrt(norm); // the printed embedding is a unit vector (checked separately)
  }

  @Test
  void embedsEveryFileInInputOrderAcrossBatches() throws Exception {
    Golden golden = golden();
    List<String> args =
        new ArrayList<>(List.of("embed", "--model", "test", "--device", "cpu", "--batch", "3"));
    golden.images().forEach(image -> args.add(image.file().toString()));
    CliRun run = CliRun.of(args.toArray(String[]::new));
    assertEquals(0, run.status(), run.err());
    List<JsonNode> lines = lines(run.out());
    assertEquals(golden.images().size(), lines.size());
    for (int i = 0; i < lines.size(); i++) {
      Golden.Image image = golden.images().get(i);
      assertEquals(image.file().toString(), lines.get(i).get("path").asText());
      JsonNode embedding = lines.get(i).get("embedding");
      assertEquals(1792, embedding.size());
      double norm = 0;
      for (JsonNode x : embedding) norm += x.asDouble() * x.asDouble();
      assertEquals(1.0, norm, 1e-4);
      double cosine = cosine(embedding, image.embedding());
      assertTrue(cosine >= 0.99, image.name() + ": cosine " + cosine);
    }
  }

  @Test
  void badFilesGetAnErrorLineAndTheRestAreEmbedded(@TempDir Path dir) throws Exception {
    Path good = golden().images().get(0).file();
    Path text = Files.writeString(dir.resolve("notes.jpg"), "not an image");
    Path empty = Files.createFile(dir.resolve("empty.png"));
    byte[] jpeg = Files.readAllBytes(golden().images().get(1).file());
    Path truncated =
        Files.write(dir.resolve("truncated.jpg"), Arrays.copyOf(jpeg, jpeg.length / 3));
    Path missing = dir.resolve("missing.png");
    CliRun run =
        CliRun.of(
            "embed",
            "--model",
            "test",
            "--device",
            "cpu",
            "--batch",
            "2",
            text.toString(),
            good.toString(),
            missing.toString(),
            empty.toString(),
            dir.toString(),
            truncated.toString(),
            good.toString());
    assertEquals(1, run.status(), run.err());
    List<JsonNode> lines = lines(run.out());
    assertEquals(7, lines.size(), run.out());
    String[] paths = {
      text.toString(),
      good.toString(),
      missing.toString(),
      empty.toString(),
      dir.toString(),
      truncated.toString(),
      good.toString()
    };
    for (int i = 0; i < paths.length; i++) {
      JsonNode line = lines.get(i);
      assertEquals(paths[i], line.get("path").asText());
      boolean ok = paths[i].equals(good.toString());
      assertEquals(ok, line.has("embedding"), line.toString());
      assertEquals(
          !ok, line.has("error") && !line.get("error").asText().isBlank(), line.toString());
    }
    assertEquals(lines.get(1).get("embedding"), lines.get(6).get("embedding"));
  }

  @Test
  void missingDefaultModelNamesTheCommandThatGetsIt(@TempDir Path root) throws Exception {
    String file = golden().images().get(0).file().toString();
    CliRun run = CliRun.in(root, "embed", file); // an installation without any exported model
    assertEquals(1, run.status());
    assertTrue(run.err().contains("./dreamsim model export ensemble"), run.err());
    assertEquals("", run.out());
  }

  @Test
  void badOptionsAreUsageErrors() throws Exception {
    String file = golden().images().get(0).file().toString();
    CliRun run = CliRun.of("embed", "--model", "test", "--device", "tpu", file);
    assertEquals(2, run.status());
    assertTrue(
        run.err().contains("the device must be auto, cpu, cuda or cuda:N, not 'tpu'"), run.err());
    run = CliRun.of("embed", "--model", "test", "--batch", "0", file);
    assertEquals(2, run.status());
    assertTrue(run.err().contains("--batch must be at least 1"), run.err());
    run = CliRun.of("embed", "--model", "test");
    assertEquals(2, run.status());
    assertTrue(run.err().contains("FILE"), run.err());
  }

  @Test
  void distanceSeparatesNearDuplicatesFromUnrelatedImages() throws Exception {
    Path dir = TestModels.testModel().resolveSibling("golden");
    double same = distance(dir.resolve("scene.png"), dir.resolve("scene.png"));
    double nearDuplicate = distance(dir.resolve("scene.png"), dir.resolve("scene-small.jpg"));
    double unrelated = distance(dir.resolve("scene.png"), dir.resolve("city.jpg"));
    assertEquals(0.0, same, 1e-6);
    assertTrue(nearDuplicate < 0.01 && unrelated > 0.1, nearDuplicate + " vs " + unrelated);
  }

  private static double distance(Path a, Path b) throws Exception {
    CliRun run =
        CliRun.of("distance", "--model", "test", "--device", "cpu", a.toString(), b.toString());
    assertEquals(0, run.status(), run.err());
    return JSON.readTree(run.out()).get("distance").asDouble();
  }

  @Test
  void distanceNamesTheFileItCannotRead(@TempDir Path dir) throws Exception {
    Path bad = Files.writeString(dir.resolve("bad.png"), "text");
    CliRun run =
        CliRun.of(
            "distance",
            "--model",
            "test",
            golden().images().get(0).file().toString(),
            bad.toString());
    assertEquals(1, run.status());
    assertTrue(run.err().contains(bad.toString()), run.err());
    assertEquals("", run.out());
    assertEquals(2, CliRun.of("distance", "--model", "test", bad.toString()).status());
  }
}
