package dss.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dss.model.Branch;
import dss.model.ModelException;
import dss.model.ModelManifest;
import dss.model.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Per-branch distances on vectors worked out by hand, and the branch layout read from (and checked
 * in) a manifest.
 */
class ExplainedTest {
  static final float R = (float) Math.sqrt(0.5);

  @Test
  void eachBranchIsOneMinusTheCosineOfItsSlices() {
    // a = (1, 0 | 0, 1) / sqrt 2, b = (1, 0 | 1, 0) / sqrt 2: the first halves agree, the second
    // are orthogonal
    float[] a = {R, 0, 0, R};
    float[] b = {R, 0, R, 0};
    List<Branch> layout =
        List.of(new Branch("first", 0, 2, "one"), new Branch("second", 2, 4, "two"));
    Explained e = Explained.of(a, b, layout);
    assertEquals(0.5f, e.distance(), 1e-6f); // 1 - dot = 1 - 1/2
    assertEquals(
        List.of("first", "second"),
        e.branches().stream().map(Explained.BranchDistance::name).toList());
    assertEquals(0f, e.branches().get(0).distance(), 1e-6f);
    assertEquals(1f, e.branches().get(1).distance(), 1e-6f);
    assertEquals("two", e.branches().get(1).about());
    assertEquals(2, e.branches().get(1).from());
    assertEquals(4, e.branches().get(1).to());
    // opposite slices: 2; a slice of zeros in one vector: 1 (no direction to compare)
    assertEquals(2f, Explained.sliceDistance(new float[] {1, 0}, new float[] {-3, 0}, 0, 2), 1e-6f);
    assertEquals(
        1f, Explained.sliceDistance(new float[] {0, 0, 1}, new float[] {1, 0, 1}, 0, 2), 1e-6f);
    assertTrue(Explained.of(a, b, List.of()).branches().isEmpty(), "no layout: no breakdown");
  }

  @Test
  void theTestModelRecordsTheEnsembleLayout() throws Exception {
    ModelManifest m = ModelManifest.read(TestModels.testModel());
    assertEquals(
        List.of("dino_vitb16 0-768", "clip_vitb16 768-1280", "open_clip_vitb16 1280-1792"),
        m.branches().stream().map(b -> b.name() + " " + b.from() + "-" + b.to()).toList());
  }

  @Test
  void aBranchOutsideTheVectorIsRefusedByName(@TempDir Path dir) throws Exception {
    Path model = dir.resolve("m.onnx");
    Files.writeString(
        dir.resolve("m.json"),
        "{\"dimensions\": 16, \"branches\": [{\"name\": \"a\", \"from\": 0,"
            + " \"to\": 8}, {\"name\": \"wide\", \"from\": 8, \"to\": 20}]}");
    ModelException e = assertThrows(ModelException.class, () -> ModelManifest.read(model));
    assertTrue(e.getMessage().contains("branch 'wide' covers [8, 20)"), e.getMessage());
    Files.writeString(dir.resolve("m.json"), "{\"dimensions\": 16}");
    assertTrue(ModelManifest.read(model).branches().isEmpty(), "no key: no layout");
  }
}
