package dss.model;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Whether an exported model is faithful to PyTorch: its golden images through the Java side
 * compared with what the export recorded ({@link Golden}): the preprocessed tensors byte for byte,
 * each embedding's cosine (through the whole pipeline, and through the runtime alone on PyTorch's
 * own tensors), and the DreamSim distances of the golden pairs. The verdict and its reasons are
 * here; a front end prints them. The image side is passed in ({@link Images}), so that this package
 * needs no image decoding of its own.
 */
public final class ExportVerification {
  /** The lowest cosine with PyTorch's embedding an image may have. */
  public static final double MIN_COSINE = 0.99;

  /**
   * Largest |Java - PyTorch| DreamSim distance for a float32 model: far below any threshold people
   * use.
   */
  public static final double DISTANCE_BOUND = 1e-3;

  /**
   * Largest per-byte tensor difference (levels of 1/255): room for another libjpeg-turbo's IDCT
   * rounding.
   */
  public static final int TENSOR_TOLERANCE = 1;

  private ExportVerification() {}

  /**
   * The Java image side: DreamSim's exact preprocessing, and the whole ingest pipeline's embedding
   * of files.
   */
  public interface Images {
    /** The exact preprocessing's tensor of {@code file}. */
    float[] tensor(Path file) throws Exception;

    /**
     * The embeddings of {@code files} through the whole pipeline; {@code errors[i]} set where one
     * failed.
     */
    float[][] embed(List<Path> files, String[] errors) throws Exception;
  }

  public record ImageResult(
      String name,
      Double cosine,
      Double runtimeCosine,
      Integer tensorMaxDifference,
      String error) {}

  public record Tensors(
      int images,
      int identical,
      long differingBytes,
      int maxDifference,
      String worstImage,
      int tolerance,
      boolean ok) {}

  public record Distances(
      int pairs,
      Double maxDifference,
      Double meanDifference,
      String worstPair,
      double bound,
      boolean ok) {}

  /**
   * The verdict. {@code min} is the lowest pipeline cosine, null when an image could not be read;
   * {@code failures} says in words why {@code ok} is false (empty when it is true).
   */
  public record Verdict(
      String model,
      String name,
      String device,
      String checksum,
      List<ImageResult> images,
      Double min,
      Tensors tensors,
      Distances distances,
      boolean ok,
      List<String> failures) {}

  /**
   * Verifies {@code file}, opened as {@code embedder}, on its golden images.
   *
   * @throws ModelException when the model has no golden file
   */
  public static Verdict verify(Path file, Embedder embedder, Images java) throws Exception {
    ModelManifest manifest = ModelManifest.read(file);
    Path goldenFile = ModelManifest.goldenFor(file, manifest);
    if (!Files.isRegularFile(goldenFile)) {
      throw new ModelException(
          file
              + ": no golden file ("
              + goldenFile
              + " is missing); the export writes one next"
              + " to each model");
    }
    Golden golden = Golden.read(goldenFile);
    String checksum =
        manifest == null || manifest.sha256() == null
            ? "unknown"
            : manifest.sha256().equals(Checksums.sha256(file)) ? "ok" : "mismatch";
    double bound =
        DISTANCE_BOUND
            + (manifest != null && manifest.maxDistanceError() != null
                ? manifest.maxDistanceError()
                : 0);
    // PyTorch's golden tensors come from Pillow's full-size path without EXIF rotation: the exact
    // preprocessing
    List<float[]> exact = new ArrayList<>();
    List<byte[]> goldenBytes = new ArrayList<>();
    List<String> names = new ArrayList<>();
    List<float[]> ours = new ArrayList<>();
    String[] errors = new String[golden.images().size()];
    for (int i = 0; i < golden.images().size(); i++) {
      Golden.Image image = golden.images().get(i);
      exact.add(image.readTensor());
      try {
        float[] tensor = java.tensor(image.file());
        names.add(image.name());
        goldenBytes.add(Files.readAllBytes(image.tensor()));
        ours.add(tensor);
      } catch (Exception e) {
        errors[i] = e.getMessage();
      }
    }
    GoldenComparison.Tensors t = GoldenComparison.tensors(names, goldenBytes, ours);
    // the golden's tensors through the runtime alone, then the files through the whole pipeline
    float[][] runtime = embedder.embed(exact);
    float[][] whole = java.embed(golden.images().stream().map(Golden.Image::file).toList(), errors);
    List<ImageResult> images = new ArrayList<>();
    Map<String, float[]> vectors = new HashMap<>();
    Double min = Arrays.stream(errors).anyMatch(e -> e != null) ? null : Double.POSITIVE_INFINITY;
    for (int i = 0; i < golden.images().size(); i++) {
      Golden.Image image = golden.images().get(i);
      double runtimeCosine = Vectors.cosine(runtime[i], image.embedding());
      if (errors[i] != null) {
        images.add(new ImageResult(image.name(), null, runtimeCosine, null, errors[i]));
        continue;
      }
      vectors.put(image.name(), whole[i]);
      double cosine = Vectors.cosine(whole[i], image.embedding());
      int index = names.indexOf(image.name());
      images.add(
          new ImageResult(
              image.name(),
              cosine,
              runtimeCosine,
              GoldenComparison.tensors(
                      List.of(""), List.of(goldenBytes.get(index)), List.of(ours.get(index)))
                  .maxDifference(),
              null));
      if (min != null) min = Math.min(min, cosine);
    }
    Tensors tensors =
        new Tensors(
            t.images(),
            t.identical(),
            t.differingBytes(),
            t.maxDifference(),
            t.worstImage(),
            TENSOR_TOLERANCE,
            t.maxDifference() <= TENSOR_TOLERANCE);
    Distances distances = distances(golden, vectors, bound, min != null);
    List<String> failures = failures(tensors, distances, min, checksum);
    return new Verdict(
        file.toString(),
        embedder.info().name(),
        embedder.device(),
        checksum,
        images,
        min,
        tensors,
        distances,
        failures.isEmpty(),
        failures);
  }

  /** The golden pairs' distances, when every image could be embedded. */
  private static Distances distances(
      Golden golden, Map<String, float[]> vectors, double bound, boolean all) {
    if (!all) return new Distances(0, null, null, null, bound, false);
    GoldenComparison.Distances d = GoldenComparison.distances(golden, vectors);
    String worst = d.worst() == null ? null : d.worst().a() + " / " + d.worst().b();
    return new Distances(
        d.pairs(), d.maxDifference(), d.meanDifference(), worst, bound, d.maxDifference() <= bound);
  }

  private static List<String> failures(Tensors t, Distances d, Double min, String checksum) {
    List<String> failures = new ArrayList<>();
    if (!d.ok() && d.maxDifference() != null) {
      failures.add(
          "the distance of pair "
              + d.worstPair()
              + " differs from PyTorch's by "
              + String.format(Locale.ROOT, "%.2e", d.maxDifference())
              + ", above the bound "
              + d.bound());
    }
    if (!t.ok()) {
      failures.add(
          "the preprocessed tensor of "
              + t.worstImage()
              + " differs from PyTorch's by "
              + t.maxDifference()
              + "/255");
    }
    if (min == null) failures.add("some golden image could not be read");
    else if (min < MIN_COSINE)
      failures.add("an embedding's cosine with PyTorch's is " + min + " < " + MIN_COSINE);
    if (checksum.equals("mismatch"))
      failures.add("the model file's checksum differs from its manifest's");
    return failures;
  }
}
