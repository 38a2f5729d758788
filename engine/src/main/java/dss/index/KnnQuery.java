package dss.index;

/**
 * A k-nearest-neighbour query.
 *
 * @param unitVector the query, L2-normalised (null in {@link #options})
 * @param k results wanted (positive)
 * @param maxDistance drop results farther than this DreamSim distance; null: no cut-off
 * @param pathPrefix only images whose path starts with this; null: all
 * @param candidates candidates the approximate search collects before keeping the best k (more: better recall,
 *     slower); never fewer than k
 */
public record KnnQuery(float[] unitVector, int k, Float maxDistance, String pathPrefix, int candidates) {
  /**
   * Candidates collected when none are asked for: Lucene's k plays the part of hnswlib's ef, and 100 measured
   * recall@10 of about 0.92-0.97 on embedding-like 768-1792-d vectors (see docs/index.md).
   */
  public static final int DEFAULT_CANDIDATES = 100;

  public KnnQuery {
    if (k <= 0) throw new IllegalArgumentException("k must be positive, got " + k);
    if (maxDistance != null && !(maxDistance >= 0f && maxDistance <= 2f)) {
      throw new IllegalArgumentException("a DreamSim distance is in [0, 2], got " + maxDistance);
    }
    if (pathPrefix != null && pathPrefix.isEmpty()) pathPrefix = null;
    candidates = Math.max(k, candidates);
  }

  /** Options only: the query API fills in the vector of the query image ({@code unitVector} is null here). */
  public static KnnQuery options(int k, Float maxDistance, String pathPrefix, int candidates) {
    return new KnnQuery(null, k, maxDistance, pathPrefix, candidates);
  }

  public static KnnQuery of(float[] unitVector, int k) {
    return new KnnQuery(unitVector, k, null, null, DEFAULT_CANDIDATES);
  }

  public KnnQuery withMaxDistance(Float d) {
    return new KnnQuery(unitVector, k, d, pathPrefix, candidates);
  }

  public KnnQuery withPathPrefix(String prefix) {
    return new KnnQuery(unitVector, k, maxDistance, prefix, candidates);
  }
}
