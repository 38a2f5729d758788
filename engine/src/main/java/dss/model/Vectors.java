package dss.model;

import org.apache.lucene.util.VectorUtil;

/** The vector arithmetic of DreamSim distances: unit vectors, distance = 1 - dot. */
public final class Vectors {
  private Vectors() {}

  /** Lucene's SIMD dot product (the same arithmetic the index scores with). */
  public static float dot(float[] a, float[] b) {
    if (a.length != b.length)
      throw new IllegalArgumentException("dimensions differ: " + a.length + " vs " + b.length);
    return VectorUtil.dotProduct(a, b);
  }

  /** Cosine similarity of any two non-zero vectors. */
  public static double cosine(float[] a, float[] b) {
    return dot(a, b) / Math.sqrt((double) dot(a, a) * dot(b, b));
  }

  /**
   * DreamSim distance of two unit vectors (what {@link Embedder} returns): 1 - cosine, never below
   * 0.
   */
  public static float distance(float[] a, float[] b) {
    return Math.max(0f, 1f - dot(a, b)); // rounding can put an image -1e-7 from itself
  }

  /**
   * Scales {@code v} in place to unit length; false when it cannot (zero, NaN or infinite entries).
   */
  public static boolean normalize(float[] v) {
    double sum = 0;
    for (float x : v) sum += (double) x * x;
    double norm = Math.sqrt(sum);
    if (!(norm > 0) || Double.isInfinite(norm)) return false;
    for (int i = 0; i < v.length; i++) v[i] = (float) (v[i] / norm);
    return true;
  }
}
