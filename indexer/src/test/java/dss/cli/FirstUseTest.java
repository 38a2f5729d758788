package dss.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dss.model.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * First use: a command whose model variant is not installed exports it itself, unless offline; and
 * never when it has nothing to embed. Runs in a fresh installation root (an empty {@code models/})
 * with a stand-in Python, so nothing is downloaded.
 */
class FirstUseTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path root;
  Path models, image;

  @BeforeEach
  void installation() throws Exception {
    models = Files.createDirectories(root.resolve("models"));
    image = root.resolve("a.png");
    IndexCommandTest.image(image, 3);
  }

  @Test
  void offlineNamesTheCommandAndStartsNothing() {
    String idx = root.resolve("idx").toString();
    for (String command : new String[] {"embed", "index", "serve"}) {
      CliRun run =
          switch (command) {
            case "index" -> CliRun.in(root, "index", "--offline", "--index", idx, root.toString());
            case "serve" -> CliRun.in(root, "serve", "--offline", "--index", idx, "--port", "0");
            default -> CliRun.in(root, "embed", "--offline", image.toString());
          };
      assertEquals(1, run.status(), command + ": " + run.err());
      assertTrue(
          run.err()
              .contains(
                  "model 'ensemble' is not installed (models/dreamsim-ensemble.onnx is missing) "
                      + "and --offline (or DREAMSIM_OFFLINE) forbids downloading it; get it with: ./dreamsim model export "
                      + "ensemble"),
          command + ": " + run.err());
      assertFalse(run.err().contains("exporting it now"), run.err());
    }
    assertFalse(Files.exists(models.resolve(".venv")), "nothing started");
  }

  @Test
  void anExportThatCannotRunIsAClearError() {
    CliRun run = CliRun.in(root, "embed", "--python", "/nonexistent/python3", image.toString());
    assertEquals(1, run.status(), run.err());
    assertTrue(
        run.err()
            .contains(
                "dreamsim: model 'ensemble' is not installed (models/dreamsim-ensemble.onnx is "
                    + "missing); exporting it now, once: downloads about 1.3 GB of weights"),
        run.err());
    assertTrue(
        run.err()
            .contains(
                "could not export model 'ensemble' automatically: python3 was not found "
                    + "('/nonexistent/python3')"),
        run.err());
    assertTrue(run.err().contains("run: ./dreamsim model export ensemble"), run.err());
    assertFalse(Files.exists(models.resolve("dreamsim-ensemble.onnx")));
  }

  @Test
  void anExportThatFailsHalfwayLeavesNoModelFile() throws Exception {
    // a stand-in interpreter: a supported version, a virtual environment, pip succeeds, then the
    // export writes part of the model and fails as a dropped connection would
    Path python = root.resolve("fake-python");
    Files.writeString(
        python,
        String.join(
            "\n",
            "#!/bin/sh",
            "case \"$1\" in",
            "  -c) echo 3.11 ;;",
            "  -m) if [ \"$2\" = venv ]; then mkdir -p \"$3/bin\" && cp \"$0\" \"$3/bin/python\"; fi ;;",
            "  -u) echo \"downloading weights: 40%\"; printf partial > \"$5/dreamsim-$3.onnx\";"
                + " echo 'connection reset' >&2; exit 1 ;;",
            "esac",
            ""));
    Files.setPosixFilePermissions(python, PosixFilePermissions.fromString("rwxr-xr-x"));
    CliRun run =
        CliRun.in(
            root,
            "embed",
            "--python",
            python.toString(),
            "--model",
            "dino_vitb16",
            image.toString());
    assertEquals(1, run.status(), run.err());
    assertTrue(
        run.err().contains("downloading weights: 40%"),
        "the export's progress is shown: " + run.err());
    assertTrue(run.err().contains("connection reset"), run.err());
    assertTrue(
        run.err().contains("could not export model 'dino_vitb16' automatically: the export failed"),
        run.err());
    assertFalse(
        Files.exists(models.resolve("dreamsim-dino_vitb16.onnx")), "no half-written model file");
  }

  @Test
  void anUnchangedReRunNeverExports() throws Exception {
    // dino_vitb16 "installed" (the test model under its name), a library indexed with it, then the
    // model removed
    Path model = Files.copy(TestModels.testModel(), models.resolve("dreamsim-dino_vitb16.onnx"));
    ObjectNode manifest =
        (ObjectNode)
            JSON.readTree(TestModels.testModel().resolveSibling("test-model.json").toFile());
    manifest.put("name", "dreamsim-dino_vitb16").put("variant", "dino_vitb16").remove("golden");
    Path manifestFile = models.resolve("dreamsim-dino_vitb16.json");
    JSON.writeValue(manifestFile.toFile(), manifest);
    Path lib = Files.createDirectories(root.resolve("lib"));
    Files.copy(image, lib.resolve("a.png"));
    String index = root.resolve("idx").toString();
    String[] args = {
      "index",
      "--index",
      index,
      "--model",
      "dino_vitb16",
      "--threads=1",
      "--python",
      "/nonexistent/python3",
      lib.toString()
    };
    CliRun first = CliRun.in(root, args);
    assertEquals(0, first.status(), first.err());
    Files.delete(model);
    Files.delete(manifestFile);

    CliRun again = CliRun.in(root, args);
    assertEquals(0, again.status(), again.err());
    JsonNode summary = JSON.readTree(again.out());
    assertEquals(1, summary.get("unchanged").asInt());
    assertFalse(again.err().contains("exporting"), again.err());

    // a new photo needs the model: now the export runs (and fails here, clearly)
    IndexCommandTest.image(lib.resolve("b.png"), 4);
    CliRun changed = CliRun.in(root, args);
    assertTrue(changed.status() != 0, changed.err());
    assertTrue(
        changed.err().contains("could not export model 'dino_vitb16' automatically"),
        changed.err());
  }
}
