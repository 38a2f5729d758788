package dss.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Images per second of two models on the same tensors, measured in alternating rounds (a, b, a, b,
 * ...) and reduced to medians, so that a burst of other work on the machine touches both alike.
 * Used where the product decides by speed (the int8 gate of {@code model quantize}).
 */
public record SpeedComparison(double aImgPerSec, double bImgPerSec, int rounds) {

  /** How many times as fast b is as a. */
  public double ratio() {
    return bImgPerSec / aImgPerSec;
  }

  /**
   * Runs one warm-up batch of each, then {@code rounds} rounds in which each model embeds {@code
   * tensors} for about {@code seconds / (2 * rounds)} (at least once).
   */
  public static SpeedComparison measure(
      Embedder a, Embedder b, List<float[]> tensors, double seconds, int rounds)
      throws ModelException {
    if (rounds < 1) throw new IllegalArgumentException("rounds must be at least 1");
    a.embed(tensors); // first runs allocate and tune
    b.embed(tensors);
    long slice = (long) (seconds * 1e9 / (2 * rounds));
    List<Double> rateA = new ArrayList<>();
    List<Double> rateB = new ArrayList<>();
    for (int round = 0; round < rounds; round++) {
      rateA.add(rate(a, tensors, slice));
      rateB.add(rate(b, tensors, slice));
    }
    return new SpeedComparison(median(rateA), median(rateB), rounds);
  }

  private static double rate(Embedder model, List<float[]> tensors, long sliceNanos)
      throws ModelException {
    long start = System.nanoTime();
    int images = 0;
    do {
      model.embed(tensors);
      images += tensors.size();
    } while (System.nanoTime() - start < sliceNanos);
    return images / ((System.nanoTime() - start) / 1e9);
  }

  private static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }
}
