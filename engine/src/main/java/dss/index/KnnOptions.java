package dss.index;

/**
 * How a k-nearest-neighbour search runs, apart from what it searches with ({@link KnnQuery}): the
 * query API takes these from a command line or a request and adds the query vector itself.
 *
 * @param k results wanted (positive)
 * @param maxDistance drop results farther than this DreamSim distance; null: no cut-off
 * @param pathPrefix only images whose path starts with this; null: all
 * @param candidates candidates the approximate search collects before keeping the best k (more:
 *     better recall, slower); never fewer than k; {@link #LIBRARY_DEFAULT}: as many as {@link
 *     #defaultCandidates} gives for the library searched
 */
public record KnnOptions(int k, Float maxDistance, String pathPrefix, int candidates) {
  /**
   * The fewest candidates a query collects by default ({@link #defaultCandidates} for small k and
   * libraries up to 160k): Lucene's k plays the part of hnswlib's ef. See {@link
   * #defaultCandidates} for where the figure comes from.
   */
  public static final int DEFAULT_CANDIDATES = 200;

  /** Default candidates per result wanted, for large k ({@link #defaultCandidates}). */
  static final int CANDIDATES_PER_RESULT = 4;

  /**
   * Library vectors per default candidate, for large libraries ({@link #defaultCandidates}): a
   * graph of the same density loses recall as it grows, and collecting more candidates wins it
   * back.
   */
  static final int VECTORS_PER_CANDIDATE = 800;

  /** The most candidates a caller may ask for (the command line and the HTTP API refuse more). */
  public static final int MAX_CANDIDATES = 10_000;

  /** {@code candidates} that leave the count to the library searched ({@link #candidatesFor}). */
  public static final int LIBRARY_DEFAULT = 0;

  public KnnOptions {
    if (k <= 0) throw new IllegalArgumentException("k must be positive, got " + k);
    if (maxDistance != null && !(maxDistance >= 0f && maxDistance <= 2f)) {
      throw new IllegalArgumentException("a DreamSim distance is in [0, 2], got " + maxDistance);
    }
    if (candidates < 0) throw new IllegalArgumentException("negative candidates " + candidates);
    if (pathPrefix != null && pathPrefix.isEmpty()) pathPrefix = null;
    if (candidates != LIBRARY_DEFAULT) candidates = Math.max(k, candidates);
  }

  /** The {@code k} nearest, no filter, the library's {@link #defaultCandidates default}. */
  public static KnnOptions of(int k) {
    return new KnnOptions(k, null, null, LIBRARY_DEFAULT);
  }

  /** The candidates to collect in a library of {@code vectors} images. */
  public int candidatesFor(long vectors) {
    return candidates == LIBRARY_DEFAULT ? defaultCandidates(k, vectors) : candidates;
  }

  /**
   * Candidates collected for {@code k} results in a library of {@code vectors} images when none are
   * asked for: {@code max(200, 4 k, vectors / 800)}, at most {@link #MAX_CANDIDATES}; chosen from
   * the recall curves of docs/benchmarks.md (vector index): 200 keep recall@10 above 0.95 up to
   * 200k vectors; at 1M, 1,200 give 0.954 and 1,000 give 0.948.
   */
  public static int defaultCandidates(int k, long vectors) {
    long c =
        Math.max(
            Math.max(DEFAULT_CANDIDATES, (long) CANDIDATES_PER_RESULT * k),
            vectors / VECTORS_PER_CANDIDATE);
    return (int) Math.min(MAX_CANDIDATES, c);
  }

  /**
   * {@link #defaultCandidates(int, long)} in a small library, {@code max(200, 4 k)}: what the
   * whole-library dedup collects when it searches from an image, a search per image that must stay
   * cheap at 1M.
   */
  public static int defaultCandidates(int k) {
    return defaultCandidates(k, 0);
  }

  public KnnOptions withK(int newK) {
    return new KnnOptions(newK, maxDistance, pathPrefix, candidates);
  }

  public KnnOptions withMaxDistance(Float d) {
    return new KnnOptions(k, d, pathPrefix, candidates);
  }

  public KnnOptions withPathPrefix(String prefix) {
    return new KnnOptions(k, maxDistance, prefix, candidates);
  }
}
