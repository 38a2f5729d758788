package dss.search;

import dss.model.Vectors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Near-duplicate groups with a bounded diameter: every member of a group is within the threshold of
 * every other member (complete linkage), so a chain A~B~C never puts A and C together when they are
 * far apart.
 *
 * <p>The rule, greedy and deterministic:
 *
 * <ol>
 *   <li>Items with the same content hash are one unit (byte-identical copies are always grouped,
 *       whatever the threshold or the vectors say).
 *   <li>Candidate pairs come from one approximate nearest-neighbour query per unit, cut at the
 *       threshold ({@link Items#neighbours}); pairs are made symmetric. No n x n matrix: memory
 *       holds only candidate pairs and a few arrays of n entries.
 *   <li>Units that have a candidate are visited in keeper order (largest pixel count, then largest
 *       file, then oldest; see {@link Items#keeperOrder}). The first unvisited one becomes a
 *       keeper; its unassigned candidates, nearest first, join when their exact distance to every
 *       member already in the group is within the threshold. Members leave the pool, so each item
 *       is in at most one group.
 * </ol>
 *
 * Dismissed pairs ({@link Items#apart}, images a person said are not duplicates) are never in one
 * group: their candidate pair is dropped before grouping, a candidate does not join a group that
 * holds an image it was dismissed with, and byte-identical copies dismissed together are no longer
 * one unit.
 *
 * <p>Distances are recomputed exactly from the stored vectors (1 - dot of unit vectors), never
 * taken from the ANN scores, so a quantized index does not move the threshold. The approximation is
 * only in which pairs the ANN query finds: a pair it misses in both directions is not grouped.
 */
public final class DuplicateGrouper {
  /**
   * Items whose neighbours are fetched in one parallel batch: bounds the memory held by pending
   * results.
   */
  private static final int CHUNK = 4096;

  private static final Logger LOG = LoggerFactory.getLogger(DuplicateGrouper.class);

  private DuplicateGrouper() {}

  /** What the grouping reads about a library of {@code size()} items numbered 0..size-1. */
  public interface Items {
    int size();

    /** The item's unit vector, read on demand (the grouping keeps no copy of all vectors). */
    float[] vector(int item) throws IOException;

    /**
     * Items that the ANN index finds within {@code maxDistance} of the item (may include the item
     * itself). Called from several threads at once.
     */
    int[] neighbours(int item, float maxDistance) throws IOException;

    /**
     * Items that are byte-identical copies of each other (same content hash), as classes of at
     * least two items; each item in at most one class. Called once.
     */
    List<int[]> exactCopies() throws IOException;

    /**
     * Sorts the better keeper first: largest pixel count, then largest file, then oldest, then a
     * stable tie-break.
     */
    Comparator<Integer> keeperOrder();

    /**
     * Called once, before the keeper order compares {@code items} (ascending): a chance to read
     * what it needs in one pass in storage order rather than one item at a time in the sort's
     * order.
     */
    default void prepare(int[] items) throws IOException {}

    /** Whether the two items were dismissed together (never grouped). None by default. */
    default boolean apart(int a, int b) throws IOException {
      return false;
    }
  }

  /**
   * A group: {@code members[0]} is the keeper; {@code distances[i]} is members[i]'s distance to the
   * keeper.
   */
  public record ItemGroup(int[] members, float[] distances) {
    public int keeper() {
      return members[0];
    }
  }

  /** Groups of at least two items, largest first (ties: better keeper first). */
  public static List<ItemGroup> group(Items library, float threshold) throws IOException {
    if (!(threshold >= 0f && threshold <= 2f)) {
      throw new IllegalArgumentException(
          "threshold must be a DreamSim distance in [0, 2], got " + threshold);
    }
    Map<Integer, int[]> copies =
        new HashMap<>(); // keeper of an exact-copy class -> the class, keeper first
    for (int[] cls : library.exactCopies()) {
      if (anyApart(library, cls, cls)) continue; // dismissed copies are items of their own
      int[] sorted =
          Arrays.stream(cls)
              .boxed()
              .sorted(library.keeperOrder())
              .mapToInt(Integer::intValue)
              .toArray();
      copies.put(sorted[0], sorted);
    }
    int n = library.size();
    Map<Integer, Integer> representedBy =
        new HashMap<>(); // exact copies -> the first item of their class
    for (int[] cls : copies.values()) {
      for (int i = 1; i < cls.length; i++) representedBy.put(cls[i], cls[0]);
    }

    long t0 = System.nanoTime();
    long lastLog = t0;
    Map<Integer, IntList> candidates = new HashMap<>();
    for (int start = 0; start < n; start += CHUNK) {
      if (System.nanoTime() - lastLog
          > 10_000_000_000L) { // progress for big libraries, silent for small ones
        lastLog = System.nanoTime();
        LOG.info("queried the neighbours of {}/{} images", start, n);
      }
      int from = start;
      int[][] found =
          neighboursOfChunk(library, from, Math.min(n, from + CHUNK), representedBy, threshold);
      for (int i = 0; i < found.length; i++) {
        int item = from + i;
        for (int other : found[i]) {
          int unit = representedBy.getOrDefault(other, other);
          if (unit == item) continue;
          if (anyApart(library, unitOf(copies, item), unitOf(copies, unit)))
            continue; // a dismissed pair: no edge

          candidates.computeIfAbsent(item, k -> new IntList()).add(unit);
          candidates.computeIfAbsent(unit, k -> new IntList()).add(item);
        }
      }
    }

    long t1 = System.nanoTime();
    List<Integer> seeds = new ArrayList<>(candidates.keySet());
    for (int keeper : copies.keySet()) if (!candidates.containsKey(keeper)) seeds.add(keeper);
    library.prepare(seeds.stream().mapToInt(Integer::intValue).sorted().toArray());
    seeds.sort(library.keeperOrder());

    BitSet assigned = new BitSet(n);
    List<ItemGroup> groups = new ArrayList<>();
    for (int seed : seeds) {
      if (assigned.get(seed)) continue;
      ItemGroup g = growGroup(library, seed, candidates.get(seed), copies, assigned, threshold);
      if (g.members.length >= 2) groups.add(g);
    }
    groups.sort(
        Comparator.comparingInt(
            (ItemGroup g) -> -g.members.length)); // stable: keeper order among equals
    LOG.debug(
        "{} items: neighbour queries {} s ({} with candidates), grouping {} s: {} groups",
        n,
        String.format(Locale.ROOT, "%.1f", (t1 - t0) / 1e9),
        candidates.size(),
        String.format(Locale.ROOT, "%.1f", (System.nanoTime() - t1) / 1e9),
        groups.size());
    return groups;
  }

  /**
   * The ANN queries of items [from, to), in parallel (the queries are the bulk of the work); exact
   * copies skip.
   */
  private static int[][] neighboursOfChunk(
      Items library, int from, int to, Map<Integer, Integer> representedBy, float threshold)
      throws IOException {
    try {
      return IntStream.range(from, to)
          .parallel()
          .mapToObj(
              item -> {
                if (representedBy.containsKey(item)) return new int[0];
                try {
                  return library.neighbours(item, threshold);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              })
          .toArray(int[][]::new);
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  /**
   * Complete linkage around a keeper: candidates join nearest first if within the threshold of all
   * members.
   */
  private static ItemGroup growGroup(
      Items library,
      int keeper,
      IntList cands,
      Map<Integer, int[]> copies,
      BitSet assigned,
      float threshold)
      throws IOException {
    assigned.set(keeper);
    float[] keeperVec = library.vector(keeper);
    record Candidate(int item, float distance, float[] vector) {}
    List<Candidate> near = new ArrayList<>();
    if (cands != null) {
      for (int c : cands.distinct()) {
        if (assigned.get(c)) continue;
        float[] v = library.vector(c);
        float d = Vectors.distance(keeperVec, v);
        if (d <= threshold) near.add(new Candidate(c, d, v));
      }
    }
    Comparator<Integer> order = library.keeperOrder();
    near.sort(
        (a, b) ->
            a.distance != b.distance
                ? Float.compare(a.distance, b.distance)
                : order.compare(a.item, b.item));

    List<Candidate> members = new ArrayList<>();
    members.add(new Candidate(keeper, 0f, keeperVec));
    for (Candidate c : near) {
      boolean fits = true;
      for (int m = 1; m < members.size() && fits; m++)
        fits = Vectors.distance(c.vector, members.get(m).vector) <= threshold;
      for (int m = 0; m < members.size() && fits; m++)
        fits = !anyApart(library, unitOf(copies, c.item), unitOf(copies, members.get(m).item));
      if (fits) {
        members.add(c);
        assigned.set(c.item);
      }
    }

    IntList items = new IntList();
    List<Float> dists = new ArrayList<>();
    for (Candidate m : members) {
      int[] cls = copies.getOrDefault(m.item, new int[] {m.item});
      for (int item : cls) {
        items.add(item);
        dists.add(m.item == keeper ? 0f : m.distance); // an exact copy sits where its twin does
      }
    }
    float[] d = new float[dists.size()];
    for (int i = 0; i < d.length; i++) d[i] = dists.get(i);
    return new ItemGroup(items.toArray(), d);
  }

  private static int[] unitOf(Map<Integer, int[]> copies, int item) {
    int[] cls = copies.get(item);
    return cls != null ? cls : new int[] {item};
  }

  /** Whether an item of {@code a} and an item of {@code b} (distinct) were dismissed together. */
  private static boolean anyApart(Items library, int[] a, int[] b) throws IOException {
    for (int x : a) for (int y : b) if (x != y && library.apart(x, y)) return true;
    return false;
  }

  /**
   * A growable int array (candidate lists are short; boxing them for a million items would not be).
   */
  private static final class IntList {
    private int[] values = new int[4];
    private int size;

    void add(int v) {
      if (size == values.length) values = Arrays.copyOf(values, size * 2);
      values[size++] = v;
    }

    int[] toArray() {
      return Arrays.copyOf(values, size);
    }

    int[] distinct() {
      return Arrays.stream(values, 0, size).distinct().toArray();
    }
  }
}
