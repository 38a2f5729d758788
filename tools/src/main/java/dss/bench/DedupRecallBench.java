package dss.bench;

import dss.cli.JsonOut;
import dss.cli.UsageError;
import dss.index.ImageIndex;
import dss.index.lucene.LuceneIndex;
import dss.model.Vectors;
import dss.search.DuplicateFinder;
import dss.search.DuplicateGrouper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import org.apache.lucene.util.IOUtils;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * How many near-duplicate pairs the product's dedup finds: on the dedup benchmark's synthetic
 * library ({@link DedupBench.Synthetic}), every pair of images within the threshold by exact
 * all-pairs distances (Lucene's SIMD dot products) against the pairs the duplicate finder's own
 * neighbour queries (through the HNSW graph, at the product's default candidates unless {@code
 * --candidates}) bring to the grouping. Recall does not depend on the machine's load. Also reports
 * the pairs that end up in the same group, with the graph's neighbours and with exact ones
 * (complete linkage splits some within-threshold pairs either way).
 */
@Command(
    name = "dedup-recall",
    header = "Measure the pairs whole-library dedup finds against exact all-pairs.",
    sortOptions = false,
    description =
        "Recall of the duplicate finder's neighbour search: pairs within each "
            + "threshold it finds, against exact all-pairs on the same synthetic vectors (see bench/dedup.sh).")
public final class DedupRecallBench implements Callable<Integer> {
  @Option(
      names = "--size",
      defaultValue = "100000",
      description = "Vectors (default: ${DEFAULT-VALUE}).")
  int size;

  @Option(
      names = "--dims",
      defaultValue = "768",
      description = "Dimensions (default: ${DEFAULT-VALUE}).")
  int dims;

  @Option(
      names = "--thresholds",
      split = ",",
      defaultValue = "0.05,0.1,0.15",
      paramLabel = "D[,D...]",
      description = "Dedup thresholds (default: ${DEFAULT-VALUE}; the product's default is 0.1).")
  List<Float> thresholds;

  @Option(
      names = "--candidates",
      defaultValue = "0",
      description =
          "Candidates per neighbour search (default: 0, no "
              + "search: the graph's neighbours, as 'dreamsim dedup' without --candidates).")
  int candidates;

  @Option(
      names = "--merge",
      description = "Merge the index into one segment first (the graph walk needs one).")
  boolean merge;

  @Option(
      names = "--index",
      paramLabel = "DIR",
      description =
          "Index directory: built when absent, reused when it "
              + "holds the same size and dims, e.g. one kept by 'bench dedup --index' (default: a temporary directory).")
  Path index;

  private DedupBench.Synthetic data;
  private int segments;

  @Override
  public Integer call() throws Exception {
    for (float t : thresholds) {
      if (!(t >= 0f && t <= 2f)) throw new UsageError("--thresholds: in [0, 2], got " + t);
    }
    data = new DedupBench.Synthetic(size, dims, 42);
    boolean temporary = index == null;
    Path dir = temporary ? Files.createTempDirectory("dedup-recall") : index;
    try {
      DedupBench.build(data, dir);
      if (merge) DedupBench.merge(data, dir);
      float[][] vectors = new float[size][];
      for (int i = 0; i < size; i++) vectors[i] = data.item(i).vector();
      float widest = (float) thresholds.stream().mapToDouble(Float::doubleValue).max().orElse(0);
      long t0 = System.nanoTime();
      int[][] exact =
          DedupBench.allPairsWithin(vectors, widest + 1e-4f); // filtered per threshold below
      System.err.printf(
          Locale.ROOT,
          "bench dedup-recall: exact all-pairs within %.3f of %d x %d in %.0f s%n",
          widest,
          size,
          dims,
          (System.nanoTime() - t0) / 1e9);
      try (ImageIndex library = LuceneIndex.openReadOnly(dir);
          ImageIndex.Snapshot snapshot = library.snapshot()) {
        segments = library.stats().segments();
        for (float threshold : thresholds) {
          System.out.println(JsonOut.line(measure(snapshot, vectors, exact, threshold)));
        }
      }
    } finally {
      if (temporary) IOUtils.rm(dir);
    }
    return 0;
  }

  /** One threshold: the finder's run (its queries recorded) against the exact pairs. */
  private Map<String, Object> measure(
      ImageIndex.Snapshot snapshot, float[][] vectors, int[][] exactWithin, float threshold)
      throws IOException {
    int n = vectors.length;
    Set<Long> exact = new HashSet<>();
    for (int i = 0; i < n; i++) {
      for (int j : exactWithin[i])
        if (Vectors.distance(vectors[i], vectors[j]) <= threshold) exact.add(key(i, j, n));
    }
    int[] synthetic = new int[snapshot.items()]; // index item -> synthetic item number (its id)
    for (int item = 0; item < synthetic.length; item++) {
      synthetic[item] = snapshot.live(item) ? Integer.parseInt(snapshot.record(item).id()) : -1;
    }
    Recording items = new Recording(DuplicateFinder.items(snapshot, candidates), synthetic.length);
    long t0 = System.nanoTime();
    List<DuplicateGrouper.ItemGroup> groups =
        DuplicateGrouper.group(items, threshold); // what DuplicateFinder runs
    double seconds = (System.nanoTime() - t0) / 1e9;

    // pairs the neighbour queries brought within the threshold; an exact-copy class is queried
    // once, for all of it
    List<int[]> classes = items.exactCopies();
    int[][] classOf = new int[synthetic.length][];
    for (int[] c : classes) for (int item : c) classOf[item] = c;
    Set<Long> found = new HashSet<>();
    for (int[] c : classes)
      for (int a : c) for (int b : c) if (a < b) found.add(key(synthetic[a], synthetic[b], n));
    for (int item = 0; item < synthetic.length; item++) {
      for (int other : items.found[item]) {
        int a = synthetic[item];
        int b = synthetic[other];
        if (other == item || Vectors.distance(vectors[a], vectors[b]) > threshold) continue;
        for (int x : classOf[item] != null ? classOf[item] : new int[] {item}) {
          for (int y : classOf[other] != null ? classOf[other] : new int[] {other}) {
            if (x != y) found.add(key(synthetic[x], synthetic[y], n));
          }
        }
      }
    }
    long foundExact = found.stream().filter(exact::contains).count();
    Set<Long> grouped = groupedPairs(groups, synthetic, n);
    int[] identity = IntStream.range(0, n).toArray();
    Set<Long> groupedExact =
        groupedPairs(
            DuplicateGrouper.group(
                exactItems(
                    vectors, exactWithin, classes, synthetic, items.keeperOrder(), threshold),
                threshold),
            identity,
            n);

    Map<String, Object> out = new LinkedHashMap<>();
    out.put("n", n);
    out.put("dims", dims);
    out.put("threshold", threshold);
    out.put("candidates", candidates == 0 ? "graph" : candidates);
    out.put("segments", segments);
    out.put("exact_pairs", exact.size());
    out.put("found_pairs", found.size());
    out.put("found_exact_pairs", foundExact);
    out.put("pair_recall", exact.isEmpty() ? 1.0 : foundExact / (double) exact.size());
    out.put("grouped_pairs", grouped.size());
    out.put("grouped_pairs_exact_neighbours", groupedExact.size());
    out.put(
        "grouped_recall",
        groupedExact.isEmpty()
            ? 1.0
            : grouped.stream().filter(groupedExact::contains).count()
                / (double) groupedExact.size());
    out.put("planted_pairs", data.plantedPairs());
    out.put("seconds", seconds);
    return out;
  }

  /**
   * The grouping's view of the same library with exact neighbours (the all-pairs lists, both
   * directions), numbered by synthetic item; the exact-copy classes and the keeper order are the
   * index's, renumbered.
   */
  private static DuplicateGrouper.Items exactItems(
      float[][] vectors,
      int[][] within,
      List<int[]> classes,
      int[] synthetic,
      Comparator<Integer> keeperOrder,
      float threshold) {
    int n = vectors.length;
    int[] itemOf = new int[n];
    for (int item = 0; item < synthetic.length; item++)
      if (synthetic[item] >= 0) itemOf[synthetic[item]] = item;
    List<List<Integer>> both = new ArrayList<>();
    for (int i = 0; i < n; i++) both.add(new ArrayList<>());
    for (int i = 0; i < n; i++) {
      for (int j : within[i]) {
        if (Vectors.distance(vectors[i], vectors[j]) > threshold) continue;
        both.get(i).add(j);
        both.get(j).add(i);
      }
    }
    List<int[]> renumbered =
        classes.stream().map(c -> IntStream.of(c).map(item -> synthetic[item]).toArray()).toList();
    return new DuplicateGrouper.Items() {
      @Override
      public int size() {
        return n;
      }

      @Override
      public float[] vector(int item) {
        return vectors[item];
      }

      @Override
      public int[] neighbours(int item, float maxDistance) {
        return both.get(item).stream().mapToInt(Integer::intValue).toArray();
      }

      @Override
      public List<int[]> exactCopies() {
        return renumbered;
      }

      @Override
      public Comparator<Integer> keeperOrder() {
        return (a, b) -> keeperOrder.compare(itemOf[a], itemOf[b]);
      }
    };
  }

  private static Set<Long> groupedPairs(
      List<DuplicateGrouper.ItemGroup> groups, int[] synthetic, int n) {
    Set<Long> out = new HashSet<>();
    for (DuplicateGrouper.ItemGroup g : groups) {
      int[] m = g.members();
      for (int a = 0; a < m.length; a++)
        for (int b = a + 1; b < m.length; b++) out.add(key(synthetic[m[a]], synthetic[m[b]], n));
    }
    return out;
  }

  private static long key(int a, int b, int n) {
    return (long) Math.min(a, b) * n + Math.max(a, b);
  }

  /**
   * The finder's items, recording what each neighbour query returned (each item is queried by one
   * thread).
   */
  private static final class Recording implements DuplicateGrouper.Items {
    private final DuplicateGrouper.Items inner;
    final int[][] found;

    Recording(DuplicateGrouper.Items inner, int size) {
      this.inner = inner;
      this.found = new int[size][0];
    }

    @Override
    public int size() {
      return inner.size();
    }

    @Override
    public float[] vector(int item) throws IOException {
      return inner.vector(item);
    }

    @Override
    public int[] neighbours(int item, float maxDistance) throws IOException {
      int[] result = inner.neighbours(item, maxDistance);
      found[item] = result;
      return result;
    }

    @Override
    public List<int[]> exactCopies() throws IOException {
      return inner.exactCopies();
    }

    @Override
    public Comparator<Integer> keeperOrder() {
      return inner.keeperOrder();
    }
  }
}
