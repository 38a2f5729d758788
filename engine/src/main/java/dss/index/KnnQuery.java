package dss.index;

import java.util.Objects;

/**
 * A k-nearest-neighbour query: what to search with, and how ({@link KnnOptions}).
 *
 * @param unitVector the query, L2-normalised
 * @param ownId the indexed image the query vector belongs to (a search by id), null for an image
 *     from outside: at equal distance it comes before every other hit ({@link HitOrder}), so the
 *     image itself is first even when byte-identical copies of it are indexed
 * @param options k, filters and candidates
 */
public record KnnQuery(float[] unitVector, String ownId, KnnOptions options) {
  public KnnQuery {
    Objects.requireNonNull(unitVector, "unitVector");
    Objects.requireNonNull(options, "options");
  }

  /**
   * The {@code k} nearest to a vector from outside the index, with the library's default
   * candidates.
   */
  public static KnnQuery of(float[] unitVector, int k) {
    return new KnnQuery(unitVector, null, KnnOptions.of(k));
  }

  public int k() {
    return options.k();
  }

  public Float maxDistance() {
    return options.maxDistance();
  }

  public String pathPrefix() {
    return options.pathPrefix();
  }

  /**
   * The candidates to collect in a library of {@code vectors} images ({@link
   * KnnOptions#candidatesFor}).
   */
  public int candidatesFor(long vectors) {
    return options.candidatesFor(vectors);
  }

  public KnnQuery withMaxDistance(Float d) {
    return new KnnQuery(unitVector, ownId, options.withMaxDistance(d));
  }

  public KnnQuery withPathPrefix(String prefix) {
    return new KnnQuery(unitVector, ownId, options.withPathPrefix(prefix));
  }
}
