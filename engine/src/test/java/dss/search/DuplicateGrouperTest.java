package dss.search;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dss.model.Vectors;
import dss.search.DuplicateGrouper.ItemGroup;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.Test;

/**
 * The grouping rule on constructed vectors (the ANN query is replaced by an exact scan here; see
 * DuplicateFinderTest).
 */
class DuplicateGrouperTest {
  record Item(float[] vector, String hash, long pixels, long bytes, long mtime) {}

  /**
   * Exact neighbours, optionally hiding some pairs to imitate an ANN query that misses them in one
   * direction.
   */
  static final class ListLibrary implements DuplicateGrouper.Items {
    final List<Item> items = new ArrayList<>();
    IntPredicate answersQueries = i -> true;

    int add(float[] v, String hash, long pixels, long bytes, long mtime) {
      items.add(new Item(unit(v), hash, pixels, bytes, mtime));
      return items.size() - 1;
    }

    @Override
    public int size() {
      return items.size();
    }

    @Override
    public float[] vector(int item) {
      return items.get(item).vector;
    }

    @Override
    public int[] neighbours(int item, float maxDistance) {
      if (!answersQueries.test(item)) return new int[] {item};
      List<Integer> out = new ArrayList<>();
      for (int j = 0; j < items.size(); j++) {
        if (Vectors.distance(vector(item), vector(j)) <= maxDistance) out.add(j);
      }
      return out.stream().mapToInt(Integer::intValue).toArray();
    }

    @Override
    public List<int[]> exactCopies() {
      Map<String, List<Integer>> byHash = new HashMap<>();
      for (int i = 0; i < items.size(); i++)
        byHash.computeIfAbsent(items.get(i).hash, h -> new ArrayList<>()).add(i);
      return byHash.values().stream()
          .filter(c -> c.size() > 1)
          .map(c -> c.stream().mapToInt(Integer::intValue).toArray())
          .toList();
    }

    @Override
    public Comparator<Integer> keeperOrder() {
      return Comparator.<Integer>comparingLong(i -> -items.get(i).pixels)
          .thenComparingLong(i -> -items.get(i).bytes)
          .thenComparingLong(i -> items.get(i).mtime)
          .thenComparingInt(i -> i);
    }
  }

  static float[] unit(float[] v) {
    double n = 0;
    for (float x : v) n += x * x;
    float[] u = new float[v.length];
    for (int i = 0; i < v.length; i++) u[i] = (float) (v[i] / Math.sqrt(n));
    return u;
  }

  /** A 3-d unit vector at angle theta (radians) from (1,0,0) in the x-y plane. */
  static float[] at(double theta) {
    return new float[] {(float) Math.cos(theta), (float) Math.sin(theta), 0f};
  }

  static int[] sorted(int[] a) {
    int[] c = a.clone();
    Arrays.sort(c);
    return c;
  }

  // 1 - cos(step) = 0.05: neighbours in the chain are 0.05 apart, the ends 1 - cos(2 step) = 0.195
  // apart
  static final double STEP = Math.acos(0.95);

  @Test
  void chainIsNotMerged() throws IOException {
    ListLibrary lib = new ListLibrary();
    int a = lib.add(at(0), "a", 100, 10, 1);
    int b = lib.add(at(STEP), "b", 200, 10, 1); // largest: the keeper
    int c = lib.add(at(2 * STEP), "c", 50, 10, 1);
    List<ItemGroup> groups = DuplicateGrouper.group(lib, 0.1f);
    assertEquals(1, groups.size(), "A~B and B~C but A and C are 0.195 apart: one pair, C alone");
    ItemGroup g = groups.get(0);
    assertEquals(b, g.keeper());
    // A and C tie on distance to B; A wins the tie as the better keeper (more pixels)
    assertArrayEquals(new int[] {b, a}, g.members());
    assertEquals(0.05f, g.distances()[1], 1e-5f);
    for (ItemGroup x : groups) {
      IntPredicate has = i -> Arrays.stream(x.members()).anyMatch(m -> m == i);
      assertTrue(!(has.test(a) && has.test(c)), "A and C must never share a group");
    }
  }

  @Test
  void longChainSplitsIntoBoundedGroups() throws IOException {
    ListLibrary lib = new ListLibrary();
    int n = 30;
    for (int i = 0; i < n; i++)
      lib.add(at(i * STEP / 2), "h" + i, 1000 - i, 10, 1); // 0.0125 apart, chain of 30
    float threshold = 0.1f;
    List<ItemGroup> groups = DuplicateGrouper.group(lib, threshold);
    java.util.Set<Integer> seen = new java.util.HashSet<>();
    for (ItemGroup g : groups) {
      for (int m : g.members()) assertTrue(seen.add(m), "item " + m + " is in two groups");
      for (int x : g.members()) {
        for (int y : g.members()) {
          assertTrue(
              Vectors.distance(lib.vector(x), lib.vector(y)) <= threshold,
              "every pair within the threshold (complete linkage): " + x + "," + y);
        }
      }
    }
    assertTrue(
        groups.size() >= 3,
        "a 30-long chain 0.0125 apart cannot be one group at 0.1: " + groups.size());
  }

  @Test
  void exactCopiesAreAlwaysGroupedEvenWithFarVectors() throws IOException {
    ListLibrary lib = new ListLibrary();
    int x = lib.add(new float[] {1, 0, 0}, "same", 100, 10, 5);
    int y = lib.add(new float[] {0, 1, 0}, "same", 100, 10, 3); // older: the keeper of the pair
    lib.add(new float[] {0, 0, 1}, "other", 100, 10, 1);
    List<ItemGroup> groups = DuplicateGrouper.group(lib, 0f);
    assertEquals(1, groups.size());
    assertArrayEquals(new int[] {y, x}, groups.get(0).members());
    assertArrayEquals(new float[] {0f, 0f}, groups.get(0).distances());
  }

  @Test
  void exactCopiesTravelWithTheirTwin() throws IOException {
    ListLibrary lib = new ListLibrary();
    int keeper = lib.add(at(0), "k", 400, 10, 1);
    int near = lib.add(at(STEP), "n", 100, 10, 1);
    int nearCopy = lib.add(at(STEP), "n", 100, 10, 2);
    int nearCopy2 = lib.add(at(STEP), "n", 100, 10, 3);
    List<ItemGroup> groups = DuplicateGrouper.group(lib, 0.1f);
    assertEquals(1, groups.size());
    ItemGroup g = groups.get(0);
    assertArrayEquals(new int[] {keeper, near, nearCopy, nearCopy2}, g.members());
    for (int i = 1; i < 4; i++) assertEquals(0.05f, g.distances()[i], 1e-5f);
  }

  @Test
  void keeperIsLargestPixelsThenLargestFileThenOldest() throws IOException {
    float[] v = {1, 0, 0};
    ListLibrary pixels = new ListLibrary();
    pixels.add(v, "1", 100, 999, 1);
    int big = pixels.add(v, "2", 200, 1, 9);
    assertEquals(big, DuplicateGrouper.group(pixels, 0.01f).get(0).keeper());

    ListLibrary bytes = new ListLibrary();
    bytes.add(v, "1", 100, 10, 1);
    int heavy = bytes.add(v, "2", 100, 20, 9);
    assertEquals(heavy, DuplicateGrouper.group(bytes, 0.01f).get(0).keeper());

    ListLibrary age = new ListLibrary();
    age.add(v, "1", 100, 10, 9);
    int old = age.add(v, "2", 100, 10, 1);
    assertEquals(old, DuplicateGrouper.group(age, 0.01f).get(0).keeper());
  }

  @Test
  void thresholdIsInclusiveAtTheEdge() throws IOException {
    // cos 60 degrees: the dot product is exactly 0.5 in float, so the distance is exactly 0.5
    float[] a = {1f, 0f};
    float[] b = {0.5f, (float) Math.sqrt(0.75)};
    ListLibrary lib = new ListLibrary();
    lib.items.add(new Item(a, "a", 2, 1, 1));
    lib.items.add(new Item(b, "b", 1, 1, 1));
    assertEquals(
        1, DuplicateGrouper.group(lib, 0.5f).size(), "distance == threshold is a duplicate");
    assertEquals(0, DuplicateGrouper.group(lib, Math.nextDown(0.5f)).size(), "just below: not");
  }

  @Test
  void badThresholdsAreRefused() {
    ListLibrary lib = new ListLibrary();
    lib.add(new float[] {1, 0}, "a", 1, 1, 1);
    for (float t : new float[] {-0.01f, 2.5f, Float.NaN}) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> DuplicateGrouper.group(lib, t));
      assertTrue(e.getMessage().contains("threshold"), e.getMessage());
    }
  }

  @Test
  void pairFoundInOneDirectionOnlyIsGrouped() throws IOException {
    ListLibrary lib = new ListLibrary();
    int a = lib.add(at(0), "a", 1, 1, 1);
    int b = lib.add(at(STEP), "b", 2, 1, 1);
    lib.answersQueries = i -> i != b; // the keeper's own query misses; a's query finds b
    List<ItemGroup> groups = DuplicateGrouper.group(lib, 0.1f);
    assertEquals(1, groups.size());
    assertArrayEquals(new int[] {b, a}, groups.get(0).members());
  }

  @Test
  void groupsAreLargestFirstAndDisjoint() throws IOException {
    ListLibrary lib = new ListLibrary();
    Random random = new Random(7);
    int dims = 16;
    int[] sizes = {2, 5, 3};
    for (int s = 0; s < sizes.length; s++) {
      float[] centre = new float[dims];
      centre[s] = 1f;
      for (int m = 0; m < sizes[s]; m++) {
        float[] v = centre.clone();
        for (int d = 0; d < dims; d++) v[d] += (float) (random.nextGaussian() * 0.01);
        lib.add(v, s + "-" + m, random.nextInt(1000), 10, 1);
      }
    }
    for (int i = 0; i < 10; i++) { // unrelated singletons: random directions, far from everything
      float[] v = new float[dims];
      for (int d = 0; d < dims; d++) v[d] = (float) random.nextGaussian();
      lib.add(v, "single" + i, 1, 1, 1);
    }
    List<ItemGroup> groups = DuplicateGrouper.group(lib, 0.05f);
    assertEquals(3, groups.size());
    assertArrayEquals(
        new int[] {5, 3, 2}, groups.stream().mapToInt(g -> g.members().length).toArray());
    int[] all = groups.stream().flatMapToInt(g -> Arrays.stream(g.members())).toArray();
    assertEquals(
        all.length, Arrays.stream(all).distinct().count(), "an item is in at most one group");
    assertArrayEquals(sorted(groups.get(0).members()), new int[] {2, 3, 4, 5, 6});
  }
}
