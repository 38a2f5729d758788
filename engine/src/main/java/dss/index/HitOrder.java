package dss.index;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The one order of search results, in every backend and so in every command and HTTP answer: nearer
 * first; at equal distance the query's own image ({@link KnnQuery#ownId()}) first, then by id.
 * Byte-identical copies of a photo have equal vectors, so without the rule the image itself would
 * not reliably come first in a search by its id, and which copies make the cut at the k-th place
 * would depend on the backend's internal numbering.
 *
 * <p>A backend asks its search for {@link #fetchFor k + 1} results, widens while {@link #tieAtCut}
 * says the last one ties with the k-th (rare: only exact copies tie), adds the query's own image
 * when its search missed it, and hands everything to {@link #finish}.
 */
public final class HitOrder {
  private HitOrder() {}

  /** Nearer first; at equal distance {@code ownId} (may be null) first, then by id. */
  public static Comparator<Hit> comparator(String ownId) {
    return Comparator.comparingDouble(Hit::distance)
        .thenComparing(h -> !h.image().id().equals(ownId))
        .thenComparing(h -> h.image().id());
  }

  /**
   * How many results to fetch for {@code k}: one more, to see whether a tie runs past the k-th
   * place.
   */
  public static int fetchFor(int k) {
    return k + 1;
  }

  /**
   * Whether a fetch must be widened: it came back full ({@code fetched == asked}) and its last
   * distance equals the k-th, so more results at that distance may exist; then ask for twice as
   * many (never past the index's size, which ends the loop).
   *
   * @param distances the fetched distances, nearest first
   */
  public static boolean tieAtCut(float[] distances, int asked, int k) {
    int n = distances.length;
    return n == asked && n > k && distances[n - 1] == distances[k - 1];
  }

  /** Sorted by the order, at most {@code q.k()}, none beyond {@code q.maxDistance()}. */
  public static List<Hit> finish(List<Hit> hits, KnnQuery q) {
    List<Hit> sorted = new ArrayList<>(hits);
    sorted.sort(comparator(q.ownId()));
    List<Hit> kept = new ArrayList<>(Math.min(q.k(), sorted.size()));
    for (Hit h : sorted) {
      if (kept.size() == q.k() || q.maxDistance() != null && h.distance() > q.maxDistance()) break;
      kept.add(h);
    }
    return kept;
  }

  /**
   * Whether {@code q}'s own image should be among its hits: it exists and passes the path filter.
   */
  public static boolean ownImageMatches(KnnQuery q, ImageRecord own) {
    return own != null && (q.pathPrefix() == null || own.path().startsWith(q.pathPrefix()));
  }
}
