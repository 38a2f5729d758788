package dss.index;

import java.util.Random;

/**
 * Unit vectors with cluster structure (like embeddings of related photos), and exact nearest
 * neighbours.
 */
public final class TestVectors {
  private TestVectors() {}

  /**
   * {@code n} unit vectors around {@code n / 20} random centres, with noise comparable to the
   * centre spread.
   */
  public static float[][] clustered(int n, int dims, long seed) {
    Random random = new Random(seed);
    float[][] centres = new float[Math.max(1, n / 20)][];
    for (int c = 0; c < centres.length; c++) centres[c] = gaussian(random, dims, 1f);
    float[][] out = new float[n][];
    for (int i = 0; i < n; i++) {
      float[] v = gaussian(random, dims, 0.8f);
      float[] centre = centres[random.nextInt(centres.length)];
      for (int d = 0; d < dims; d++) v[d] += centre[d];
      out[i] = normalize(v);
    }
    return out;
  }

  /**
   * {@code n} unit vectors spread uniformly over the sphere: no structure, the hardest case for a
   * graph search.
   */
  public static float[][] uniform(int n, int dims, long seed) {
    Random random = new Random(seed);
    float[][] out = new float[n][];
    for (int i = 0; i < n; i++) out[i] = normalize(gaussian(random, dims, 1f));
    return out;
  }

  public static float[] normalize(float[] v) {
    double norm = 0;
    for (float x : v) norm += x * x;
    float inv = (float) (1 / Math.sqrt(norm));
    for (int i = 0; i < v.length; i++) v[i] *= inv;
    return v;
  }

  public static float dot(float[] a, float[] b) {
    float s = 0;
    for (int i = 0; i < a.length; i++) s += a[i] * b[i];
    return s;
  }

  /**
   * Indices of the {@code k} vectors with the largest dot product with {@code q}, best first (brute
   * force).
   */
  public static int[] exactTopK(float[][] vectors, float[] q, int k) {
    Integer[] order = new Integer[vectors.length];
    float[] scores = new float[vectors.length];
    for (int i = 0; i < vectors.length; i++) {
      order[i] = i;
      scores[i] = dot(vectors[i], q);
    }
    java.util.Arrays.sort(order, (a, b) -> Float.compare(scores[b], scores[a]));
    int[] top = new int[k];
    for (int i = 0; i < k; i++) top[i] = order[i];
    return top;
  }

  private static float[] gaussian(Random random, int dims, float sigma) {
    float[] v = new float[dims];
    for (int d = 0; d < dims; d++) v[d] = (float) random.nextGaussian() * sigma;
    return v;
  }
}
