package dss.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The sidecar {@code <model>.json} written by the export scripts next to {@code <model>.onnx}.
 * Every field may be absent (null, or 0 for dimensions); the graph is the authority for names and
 * shapes, the manifest for the rest.
 *
 * @param golden file name, beside the model, of the PyTorch golden embeddings ({@link Golden})
 * @param maxDistanceError int8 and fp16 files: the largest DreamSim distance error the export
 *     measured against the float32 graph (and accepted); null for float32 files
 * @param measuredOn fp16 files: where the export measured {@code maxDistanceError}: {@code "cuda"},
 *     or a text starting {@code "cpu"} (which may understate the GPU's error)
 * @param branches the ensemble's layout: which dimensions come from which backbone (JSON key {@code
 *     branches}, a list of {@code {name, from, to, about}}); null or empty for a single-backbone
 *     model
 */
public record ModelManifest(
    String name,
    String variant,
    int dimensions,
    String input,
    String output,
    String sha256,
    String golden,
    @JsonProperty("max_distance_error") Double maxDistanceError,
    @JsonProperty("measured_on") String measuredOn,
    java.util.List<Branch> branches) {
  public ModelManifest {
    branches = branches == null ? java.util.List.of() : java.util.List.copyOf(branches);
  }

  private static final ObjectMapper JSON =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  /** {@code models/x.onnx -> models/x.json}. */
  public static Path pathFor(Path model) {
    return model.resolveSibling(stem(model) + ".json");
  }

  /** The manifest beside {@code model}, or null when there is none. */
  public static ModelManifest read(Path model) throws ModelException {
    Path file = pathFor(model);
    if (!Files.isRegularFile(file)) return null;
    ModelManifest manifest;
    try {
      manifest = JSON.readValue(file.toFile(), ModelManifest.class);
    } catch (IOException e) {
      throw new ModelException(file + ": not a valid model manifest (" + e.getMessage() + ")", e);
    }
    for (Branch b : manifest.branches()) b.check(manifest.dimensions(), file.toString());
    return manifest;
  }

  /**
   * The golden file for {@code model}: the manifest's {@code golden} field, else {@code
   * <stem>.golden.json}.
   */
  public static Path goldenFor(Path model, ModelManifest manifest) {
    String name =
        manifest != null && manifest.golden() != null
            ? manifest.golden()
            : stem(model) + ".golden.json";
    return model.resolveSibling(name);
  }

  static String stem(Path model) {
    String name = model.getFileName().toString();
    return name.endsWith(".onnx") ? name.substring(0, name.length() - ".onnx".length()) : name;
  }
}
