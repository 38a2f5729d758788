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
   * The fewest candidates a query collects by default ({@link #defaultCandidates} for small k): Lucene's k plays
   * the part of hnswlib's ef. See {@link #defaultCandidates} for where the figure comes from.
   */
  public static final int DEFAULT_CANDIDATES = 200;

  /** Default candidates per result wanted, for large k ({@link #defaultCandidates}). */
  static final int CANDIDATES_PER_RESULT = 4;

  /** The most candidates a caller may ask for (the command line and the HTTP API refuse more). */
  public static final int MAX_CANDIDATES = 10_000;

  public KnnQuery {
    if (k <= 0) throw new IllegalArgumentException("k must be positive, got " + k);
    if (maxDistance != null && !(maxDistance >= 0f && maxDistance <= 2f)) {
      throw new IllegalArgumentException("a DreamSim distance is in [0, 2], got " + maxDistance);
    }
    if (pathPrefix != null && pathPrefix.isEmpty()) pathPrefix = null;
    candidates = Math.max(k, candidates);
  }

  /**
   * Candidates collected for {@code k} results when none are asked for: {@code max(4 k, 200)}, at most
   * {@link #MAX_CANDIDATES}; chosen from the recall curves of docs/benchmarks.md (vector index).
   */
  public static int defaultCandidates(int k) {
    return Math.max(DEFAULT_CANDIDATES, (int) Math.min(MAX_CANDIDATES, (long) CANDIDATES_PER_RESULT * k));
  }

  /** Options only: the query API fills in the vector of the query image ({@code unitVector} is null here). */
  public static KnnQuery options(int k, Float maxDistance, String pathPrefix, int candidates) {
    return new KnnQuery(null, k, maxDistance, pathPrefix, candidates);
  }

  /** The {@code k} nearest with the {@link #defaultCandidates default candidates}. */
  public static KnnQuery of(float[] unitVector, int k) {
    return new KnnQuery(unitVector, k, null, null, defaultCandidates(k));
  }

  public KnnQuery withMaxDistance(Float d) {
    return new KnnQuery(unitVector, k, d, pathPrefix, candidates);
  }

  public KnnQuery withPathPrefix(String prefix) {
    return new KnnQuery(unitVector, k, maxDistance, prefix, candidates);
  }
}
