package dss.model;

import java.util.List;
import java.util.Map;

/**
 * The figures of {@code dreamsim model verify}: how far the Java preprocessing and runtime are from
 * PyTorch's golden tensors and distances. Pure arithmetic over what the caller computed; the bounds
 * are the caller's.
 */
public final class GoldenComparison {
  private GoldenComparison() {}

  /**
   * Java tensors against the golden ones, byte for byte (both are uint8/255).
   *
   * @param differingBytes bytes that differ over all images
   * @param maxDifference the largest difference, in levels of 1/255
   * @param worstImage the image with that difference (null when all are identical)
   */
  public record Tensors(
      int images, int identical, long differingBytes, int maxDifference, String worstImage) {}

  /**
   * Java distances against PyTorch's for the golden pairs.
   *
   * @param worst the pair with the largest |difference| (null without pairs)
   */
  public record Distances(
      int pairs, double maxDifference, double meanDifference, PairResult worst) {}

  /** One pair: PyTorch's distance, ours, and the absolute difference. */
  public record PairResult(String a, String b, double pytorch, double java, double difference) {}

  /**
   * {@code java.get(i)} is our preprocess output (floats v/255) for {@code golden.images().get(i)}.
   */
  public static Tensors tensors(List<String> names, List<byte[]> golden, List<float[]> java) {
    int identical = 0, max = 0;
    long differing = 0;
    String worst = null;
    for (int i = 0; i < golden.size(); i++) {
      byte[] g = golden.get(i);
      float[] j = java.get(i);
      if (g.length != j.length)
        throw new IllegalArgumentException(names.get(i) + ": tensor sizes differ");
      int imageMax = 0;
      for (int k = 0; k < g.length; k++) {
        int d = Math.abs((g[k] & 0xff) - Math.round(j[k] * 255f));
        if (d != 0) differing++;
        imageMax = Math.max(imageMax, d);
      }
      if (imageMax == 0) identical++;
      if (imageMax > max) {
        max = imageMax;
        worst = names.get(i);
      }
    }
    return new Tensors(golden.size(), identical, differing, max, worst);
  }

  /**
   * Our distances for the golden pairs. Without pairs in the golden file (older exports), every
   * pair of its images with PyTorch's distance taken from its embeddings.
   *
   * @param java our embedding of each golden image, by name
   */
  public static Distances distances(Golden golden, Map<String, float[]> java) {
    List<Golden.Pair> pairs = golden.pairs().isEmpty() ? pairsOf(golden.images()) : golden.pairs();
    double max = 0, sum = 0;
    PairResult worst = null;
    for (Golden.Pair pair : pairs) {
      float[] a = java.get(pair.a()), b = java.get(pair.b());
      if (a == null || b == null) {
        throw new IllegalArgumentException(
            golden.file()
                + ": pair "
                + pair.a()
                + " / "
                + pair.b()
                + " names an image that is not in the golden file or could not be embedded");
      }
      double ours = 1 - Vectors.cosine(a, b);
      double difference = Math.abs(ours - pair.distance());
      sum += difference;
      if (worst == null || difference > max) {
        max = difference;
        worst = new PairResult(pair.a(), pair.b(), pair.distance(), ours, difference);
      }
    }
    return new Distances(pairs.size(), max, pairs.isEmpty() ? 0 : sum / pairs.size(), worst);
  }

  /** The distance errors of one model against another over every pair of the same images. */
  public record PairErrors(int pairs, double max, double mean) {}

  /**
   * {@code reference[i]} and {@code other[i]} embed the same image; compares 1 - cosine over every
   * pair.
   */
  public static PairErrors pairErrors(float[][] reference, float[][] other) {
    double max = 0, sum = 0;
    int pairs = 0;
    for (int i = 0; i < reference.length; i++) {
      for (int j = i + 1; j < reference.length; j++) {
        double error =
            Math.abs(
                (1 - Vectors.cosine(reference[i], reference[j]))
                    - (1 - Vectors.cosine(other[i], other[j])));
        max = Math.max(max, error);
        sum += error;
        pairs++;
      }
    }
    return new PairErrors(pairs, max, pairs == 0 ? 0 : sum / pairs);
  }

  private static List<Golden.Pair> pairsOf(List<Golden.Image> images) {
    List<Golden.Pair> pairs = new java.util.ArrayList<>();
    for (int i = 0; i < images.size(); i++) {
      for (int j = i + 1; j < images.size(); j++) {
        Golden.Image a = images.get(i), b = images.get(j);
        pairs.add(
            new Golden.Pair(a.name(), b.name(), 1 - Vectors.cosine(a.embedding(), b.embedding())));
      }
    }
    return pairs;
  }
}
