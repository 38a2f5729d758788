package dss.index;

/**
 * How a k-nearest-neighbour search runs, apart from what it searches with ({@link KnnQuery}): the
 * query API takes these from a command line or a request and adds the query vector itself.
 *
 * @param k results wanted (positive)
 * @param maxDistance drop results farther than this DreamSim distance; null: no cut-off
 * @param pathPrefix only images whose path starts with this; null: all
 * @param candidates candidates the approximate search collects before keeping the best k (more:
 *     better recall, slower); never fewer than k
 */
public record KnnOptions(int k, Float maxDistance, String pathPrefix, int candidates) {
  /**
   * The fewest candidates a query collects by default ({@link #defaultCandidates} for small k):
   * Lucene's k plays the part of hnswlib's ef. See {@link #defaultCandidates} for where the figure
   * comes from.
   */
  public static final int DEFAULT_CANDIDATES = 200;

  /** Default candidates per result wanted, for large k ({@link #defaultCandidates}). */
  static final int CANDIDATES_PER_RESULT = 4;

  /** The most candidates a caller may ask for (the command line and the HTTP API refuse more). */
  public static final int MAX_CANDIDATES = 10_000;

  public KnnOptions {
    if (k <= 0) throw new IllegalArgumentException("k must be positive, got " + k);
    if (maxDistance != null && !(maxDistance >= 0f && maxDistance <= 2f)) {
      throw new IllegalArgumentException("a DreamSim distance is in [0, 2], got " + maxDistance);
    }
    if (pathPrefix != null && pathPrefix.isEmpty()) pathPrefix = null;
    candidates = Math.max(k, candidates);
  }

  /** The {@code k} nearest, no filter, the {@link #defaultCandidates default candidates}. */
  public static KnnOptions of(int k) {
    return new KnnOptions(k, null, null, defaultCandidates(k));
  }

  /**
   * Candidates collected for {@code k} results when none are asked for: {@code max(4 k, 200)}, at
   * most {@link #MAX_CANDIDATES}; chosen from the recall curves of docs/benchmarks.md (vector
   * index).
   */
  public static int defaultCandidates(int k) {
    return Math.max(
        DEFAULT_CANDIDATES, (int) Math.min(MAX_CANDIDATES, (long) CANDIDATES_PER_RESULT * k));
  }

  public KnnOptions withK(int newK) {
    return new KnnOptions(newK, maxDistance, pathPrefix, Math.max(newK, candidates));
  }

  public KnnOptions withMaxDistance(Float d) {
    return new KnnOptions(k, d, pathPrefix, candidates);
  }

  public KnnOptions withPathPrefix(String prefix) {
    return new KnnOptions(k, maxDistance, prefix, candidates);
  }
}
