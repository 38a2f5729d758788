package dss.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Names and paths to model files, in a scratch repository root (the real models/ may hold exports).
 */
class ModelsTest {
  @TempDir Path root;
  private Models models;

  @BeforeEach
  void useScratchRoot() throws Exception {
    Files.createDirectories(root.resolve("models/test"));
    models = new Models(root.resolve("models"));
  }

  /**
   * A missing variant is named with its file; the front end adds how to get it (the export of that
   * variant).
   */
  @Test
  void aMissingVariantIsNamedWithItsFile() {
    ModelException.NotInstalled e =
        assertThrows(ModelException.NotInstalled.class, () -> models.resolve(null));
    assertEquals(
        "model 'ensemble' is not installed (models/dreamsim-ensemble.onnx is missing)",
        e.getMessage());
    assertEquals("ensemble", e.variant());
    assertEquals(
        "clip_vitb32",
        assertThrows(ModelException.NotInstalled.class, () -> models.resolve("clip_vitb32"))
            .variant());
  }

  @Test
  void variantsResolveToTheirExportsPreferringFloat32() throws Exception {
    Path half = Files.createFile(root.resolve("models/dreamsim-dino_vitb16-fp16.onnx"));
    assertEquals(half, models.resolve("dino_vitb16"));
    Path full = Files.createFile(root.resolve("models/dreamsim-dino_vitb16.onnx"));
    assertEquals(full, models.resolve("dino_vitb16"));
    Path ensemble = Files.createFile(root.resolve("models/dreamsim-ensemble.onnx"));
    assertEquals(ensemble, models.resolve(" "));
    assertEquals(root.resolve("models/test/test-model.onnx"), models.resolve("test"));
  }

  @Test
  void pathsMustExist() throws Exception {
    Path file = Files.createFile(root.resolve("mine.onnx"));
    assertEquals(file, models.resolve(file.toString()));
    assertEquals(
        "no/such.onnx: model file not found",
        assertThrows(ModelException.class, () -> models.resolve("no/such.onnx")).getMessage());
    assertEquals(
        "unknown model 'vit': give a .onnx file or one of [ensemble, dino_vitb16, dinov2_vitb14, "
            + "synclr_vitb16, clip_vitb32, open_clip_vitb32] (or 'test')",
        assertThrows(ModelException.class, () -> models.resolve("vit")).getMessage());
  }
}
