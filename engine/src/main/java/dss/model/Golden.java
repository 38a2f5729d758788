package dss.model;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reference embeddings computed in PyTorch with DreamSim's official preprocess (written by {@code
 * models/golden.py}): how tests and {@code dreamsim model verify} prove that the Java pipeline and
 * runtime reproduce the original. {@link #pairs()} are PyTorch's distances between golden images
 * (empty in golden files written before they were).
 */
public record Golden(
    Path file, String model, int dimensions, List<Image> images, List<Pair> pairs) {
  private static final ObjectMapper JSON =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  /**
   * One sample image: its file, its exact preprocess output (uint8 CHW, value/255) and its PyTorch
   * embedding.
   */
  public record Image(String name, Path file, Path tensor, float[] embedding) {
    /** The preprocess output PyTorch saw, as the CHW floats the model takes. */
    public float[] readTensor() throws IOException {
      byte[] bytes = Files.readAllBytes(tensor);
      if (bytes.length != Embedder.TENSOR_SIZE) {
        throw new IOException(
            tensor + ": expected " + Embedder.TENSOR_SIZE + " bytes, found " + bytes.length);
      }
      float[] t = new float[bytes.length];
      for (int i = 0; i < bytes.length; i++) t[i] = (bytes[i] & 0xff) / 255f;
      return t;
    }
  }

  /** Every image's exact preprocess output ({@link Image#readTensor()}), in the file's order. */
  public List<float[]> tensors() throws IOException {
    List<float[]> tensors = new ArrayList<>(images.size());
    for (Image image : images) tensors.add(image.readTensor());
    return tensors;
  }

  /**
   * PyTorch's DreamSim distance (1 - cosine) between the golden images named {@code a} and {@code
   * b}.
   */
  public record Pair(String a, String b, double distance) {}

  private record Json(String model, int dimensions, List<JsonImage> images, List<Pair> pairs) {}

  private record JsonImage(String name, String file, String tensor, float[] embedding) {}

  public static Golden read(Path file) throws IOException {
    Json json = JSON.readValue(file.toFile(), Json.class);
    Path dir = file.toAbsolutePath().getParent();
    List<Image> images =
        json.images().stream()
            .map(
                i ->
                    new Image(
                        i.name(),
                        dir.resolve(i.file()).normalize(),
                        dir.resolve(i.tensor()).normalize(),
                        i.embedding()))
            .toList();
    return new Golden(
        file,
        json.model(),
        json.dimensions(),
        images,
        json.pairs() == null ? List.of() : json.pairs());
  }
}
