package dss.bench;

import dss.cli.JsonOut;
import dss.index.Hit;
import dss.index.ImageIndex;
import dss.index.ImageRecord;
import dss.index.IndexConfig;
import dss.index.lucene.LuceneIndex;
import dss.model.ModelInfo;
import dss.search.DuplicateFinder;
import dss.search.DuplicateGroup;
import dss.search.DuplicateGrouper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.apache.lucene.util.IOUtils;
import org.apache.lucene.util.VectorUtil;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Whole-library dedup at scale on synthetic embedding-like vectors: photos scattered around topic
 * centres (distance about 0.5 within a topic), a fifth of them with 1-3 near-copies (about 0.03
 * from the photo, 0.06 from each other) and some byte-identical copies. Builds a real index, runs
 * {@link DuplicateFinder}, and reports time, peak memory and how many planted copy pairs were
 * found; {@code --brute} also runs the same grouping rule on exact all-pairs distances (vectors in
 * memory, n^2/2 dot products) as the baseline.
 */
@Command(
    name = "dedup",
    header = "Measure whole-library dedup time and memory on synthetic vectors.",
    sortOptions = false,
    description =
        "Dedup at scale: time and peak memory of 'dedup' on N synthetic vectors, and a brute-force peer.")
public final class DedupBench implements Callable<Integer> {
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
      names = "--threshold",
      defaultValue = "0.1",
      description = "Dedup threshold (default: ${DEFAULT-VALUE}).")
  float threshold;

  @Option(
      names = "--index",
      paramLabel = "DIR",
      description =
          "Index directory: built when absent, reused when it "
              + "holds the same size and dims (default: a temporary directory, deleted after).")
  Path index;

  @Option(
      names = "--brute",
      description =
          "Also run the exact all-pairs baseline (needs n x dims floats of heap) "
              + "and compare the pairs both report.")
  boolean brute;

  @Option(
      names = "--candidates",
      defaultValue = "0",
      description =
          "Candidates per neighbour search (default: 0, no "
              + "search: the neighbours read from the graph of a one-segment index, as 'dreamsim dedup' without --candidates).")
  int candidates;

  @Option(
      names = "--merge",
      description =
          "Merge the index into one segment before the dedup (timed apart): the "
              + "graph walk needs one segment, several are searched.")
  boolean merge;

  /** The groups the HNSW path reported, by id, for the comparison with the exact baseline. */
  private List<List<String>> hnswGroups;

  @Override
  public Integer call() throws Exception {
    Synthetic data = new Synthetic(size, dims, 42);
    boolean temporary = index == null;
    Path dir = temporary ? Files.createTempDirectory("dedup-bench") : index;
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("n", size);
    out.put("dims", dims);
    out.put("threshold", threshold);
    out.put("cores", Runtime.getRuntime().availableProcessors());
    out.put("planted_pairs", data.plantedPairs());
    try {
      out.put("build_seconds", build(data, dir));
      if (merge) out.put("merge_seconds", merge(data, dir));
      try (ImageIndex library = LuceneIndex.openReadOnly(dir);
          ImageIndex.Snapshot snapshot = library.snapshot()) {
        out.put("segments", library.stats().segments());
        Memory.reset();
        long t0 = System.nanoTime();
        double cpu0 = Memory.cpuSeconds();
        // what `dreamsim dedup` runs
        List<DuplicateGroup> groups = DuplicateFinder.find(snapshot, threshold, candidates);
        double seconds = (System.nanoTime() - t0) / 1e9;
        double cpuSeconds = Memory.cpuSeconds() - cpu0;
        hnswGroups = idGroups(groups);
        out.put("candidates", candidates == 0 ? "graph" : candidates);
        out.put(
            "hnsw",
            Map.of(
                "seconds",
                seconds,
                "cpu_seconds",
                cpuSeconds,
                "groups",
                groups.size(),
                "planted_pairs_found",
                data.plantedPairsIn(idGroups(groups)),
                "heap_peak_mb",
                Memory.heapPeakMb(),
                "rss_peak_mb",
                Memory.rssPeakMb()));
        System.err.println("bench dedup: " + JsonOut.line(out)); // in case the baseline never ends
      }
      if (brute) out.put("brute", bruteForce(data));
    } finally {
      if (temporary) IOUtils.rm(dir);
    }
    System.out.println(JsonOut.line(out));
    return 0;
  }

  /**
   * Builds the index (or reuses one made by an earlier run with the same data); returns seconds, 0
   * when reused.
   */
  static double build(Synthetic data, Path dir) throws IOException {
    Path marker = dir.resolve("bench-" + data.n + "x" + data.dims);
    if (Files.exists(marker)) {
      System.err.println("bench dedup: reusing " + dir);
      return 0;
    }
    ModelInfo model = new ModelInfo("synthetic", "synthetic", data.dims, "synthetic-" + data.n);
    long t0 = System.nanoTime();
    try (ImageIndex writer = LuceneIndex.openWritable(dir, model, IndexConfig.DEFAULT)) {
      // IndexWriter is thread-safe: one writer thread per core builds segment graphs in parallel
      AtomicInteger done = new AtomicInteger();
      IntStream.range(0, data.n)
          .parallel()
          .forEach(
              i -> {
                Synthetic.Item item = data.item(i);
                try {
                  writer.upsert(
                      new ImageRecord(
                          item.id(),
                          "/synthetic/" + item.id() + ".jpg",
                          item.hash(),
                          1000 + i % 977,
                          1_700_000_000_000L + i,
                          4000,
                          3000,
                          "jpeg",
                          0),
                      item.vector());
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
                if (done.incrementAndGet() % 100_000 == 0)
                  System.err.printf(
                      Locale.ROOT, "bench dedup: indexed %d/%d%n", done.get(), data.n);
              });
      writer.commit();
    }
    Files.createFile(marker);
    return (System.nanoTime() - t0) / 1e9;
  }

  /**
   * Merges the index into one segment (the dedup's graph walk needs one); returns seconds, 0 when
   * it was one.
   */
  static double merge(Synthetic data, Path dir) throws IOException {
    ModelInfo model = new ModelInfo("synthetic", "synthetic", data.dims, "synthetic-" + data.n);
    long t0 = System.nanoTime();
    try (ImageIndex writer = LuceneIndex.openWritable(dir, model, IndexConfig.DEFAULT)) {
      if (writer.stats().segments() <= 1) return 0;
      System.err.printf(
          java.util.Locale.ROOT,
          "bench dedup: merging %d segments into one%n",
          writer.stats().segments());
      writer.optimize();
    }
    return (System.nanoTime() - t0) / 1e9;
  }

  /** Group membership by synthetic id (the path's file name without extension). */
  private static List<List<String>> idGroups(List<DuplicateGroup> groups) {
    List<List<String>> out = new ArrayList<>();
    for (DuplicateGroup g : groups)
      out.add(g.members().stream().map(Hit::image).map(ImageRecord::id).toList());
    return out;
  }

  /**
   * The same grouping rule fed with exact neighbours from all n^2/2 pairs (vectors held in memory).
   */
  private Map<String, Object> bruteForce(Synthetic data) throws IOException {
    Memory.reset();
    float[][] vectors = new float[data.n][];
    String[] ids = new String[data.n];
    Map<String, List<Integer>> byHash = new HashMap<>();
    for (int i = 0; i < data.n; i++) {
      Synthetic.Item item = data.item(i);
      vectors[i] = item.vector();
      ids[i] = item.id();
      byHash.computeIfAbsent(item.hash(), h -> new ArrayList<>()).add(i);
    }
    long t0 =
        System.nanoTime(); // timed from here: generating the vectors is not part of either method
    int[][] neighbours = allPairsWithin(vectors, threshold);
    List<int[]> copies =
        byHash.values().stream()
            .filter(c -> c.size() > 1)
            .map(c -> c.stream().mapToInt(Integer::intValue).toArray())
            .toList();
    DuplicateGrouper.Items library =
        new DuplicateGrouper.Items() {
          @Override
          public int size() {
            return data.n;
          }

          @Override
          public float[] vector(int item) {
            return vectors[item];
          }

          @Override
          public int[] neighbours(int item, float maxDistance) {
            return neighbours[item];
          }

          @Override
          public List<int[]> exactCopies() {
            return copies;
          }

          @Override
          public Comparator<Integer> keeperOrder() {
            return Comparator.naturalOrder();
          }
        };
    List<DuplicateGrouper.ItemGroup> groups = DuplicateGrouper.group(library, threshold);
    double seconds = (System.nanoTime() - t0) / 1e9;
    List<List<String>> byId = new ArrayList<>();
    for (DuplicateGrouper.ItemGroup g : groups)
      byId.add(IntStream.of(g.members()).mapToObj(m -> ids[m]).toList());
    long withinThreshold = 0;
    for (int[] row : neighbours) withinThreshold += row.length;
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("seconds", seconds);
    out.put("groups", groups.size());
    out.put("planted_pairs_found", data.plantedPairsIn(byId));
    out.put("pairs_within_threshold", withinThreshold);
    out.put("heap_peak_mb", Memory.heapPeakMb());
    out.put("rss_peak_mb", Memory.rssPeakMb());
    out.put("similarity_matrix_mb", (double) data.n * data.n * 4 / (1 << 20));
    if (hnswGroups != null) out.put("hnsw_vs_exact", comparePairs(hnswGroups, byId, data.n));
    return out;
  }

  /**
   * The pairs of images each method puts in one group (what a user sees as "these two are
   * duplicates"): how many of the exact baseline's pairs the HNSW path reports too (recall), and
   * how many of its own are also exact ones (precision). Both run the same grouping rule at the
   * same threshold; only the neighbour search differs.
   */
  static Map<String, Object> comparePairs(
      List<List<String>> hnsw, List<List<String>> exact, int n) {
    java.util.Set<Long> exactPairs = pairs(exact, n);
    java.util.Set<Long> hnswPairs = pairs(hnsw, n);
    long common = hnswPairs.stream().filter(exactPairs::contains).count();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("exact_pairs", exactPairs.size());
    out.put("hnsw_pairs", hnswPairs.size());
    out.put("common_pairs", common);
    out.put("pair_recall", exactPairs.isEmpty() ? 1.0 : common / (double) exactPairs.size());
    out.put("pair_precision", hnswPairs.isEmpty() ? 1.0 : common / (double) hnswPairs.size());
    return out;
  }

  private static java.util.Set<Long> pairs(List<List<String>> groups, int n) {
    java.util.Set<Long> out = new java.util.HashSet<>();
    for (List<String> g : groups) {
      for (int a = 0; a < g.size(); a++) {
        for (int b = a + 1; b < g.size(); b++) {
          long i = Integer.parseInt(g.get(a));
          long j = Integer.parseInt(g.get(b));
          out.add(Math.min(i, j) * n + Math.max(i, j));
        }
      }
    }
    return out;
  }

  /**
   * Every pair once (j > i: the grouping makes pairs symmetric), in tiles of {@link #TILE} x {@link
   * #TILE} vectors so both tiles stay in cache (row by row, each row would stream all n vectors
   * from memory); row tiles in parallel.
   */
  static int[][] allPairsWithin(float[][] vectors, float threshold) {
    int n = vectors.length;
    int[][] neighbours = new int[n][];
    IntStream.range(0, (n + TILE - 1) / TILE)
        .parallel()
        .forEach(
            bi -> {
              int rowEnd = Math.min(n, (bi + 1) * TILE);
              List<List<Integer>> rows = new ArrayList<>();
              for (int i = bi * TILE; i < rowEnd; i++) rows.add(new ArrayList<>());
              for (int colStart = bi * TILE; colStart < n; colStart += TILE) {
                int colEnd = Math.min(n, colStart + TILE);
                for (int i = bi * TILE; i < rowEnd; i++) {
                  for (int j = Math.max(colStart, i + 1); j < colEnd; j++) {
                    if (1f - VectorUtil.dotProduct(vectors[i], vectors[j]) <= threshold)
                      rows.get(i - bi * TILE).add(j);
                  }
                }
              }
              for (int i = bi * TILE; i < rowEnd; i++) {
                neighbours[i] =
                    rows.get(i - bi * TILE).stream().mapToInt(Integer::intValue).toArray();
              }
            });
    return neighbours;
  }

  private static final int TILE = 128;

  /**
   * Deterministic embedding-like vectors, generated item by item (never all in memory). Photo p
   * lies around topic centre p % topics at distance about 0.5 from its topic mates; one photo in
   * five has 1-3 near-copies, and one copy in ten of those is byte-identical (same hash and
   * vector).
   */
  static final class Synthetic {
    record Item(String id, String hash, float[] vector, int photo) {}

    final int n;
    final int dims;
    private final long seed;
    private final int topics;
    private final int[] photoOf; // item -> photo
    private final int[] copyOf; // item -> copy number within its photo (0 = the photo itself)

    Synthetic(int n, int dims, long seed) {
      this.n = n;
      this.dims = dims;
      this.seed = seed;
      this.topics = Math.max(1, n / 500);
      photoOf = new int[n];
      copyOf = new int[n];
      int item = 0;
      for (int p = 0; item < n; p++) {
        int copies =
            new SplittableRandom(seed * 31 + p).nextInt(5) == 0
                ? 1 + new SplittableRandom(seed * 17 + p).nextInt(3)
                : 0;
        for (int c = 0; c <= copies && item < n; c++, item++) {
          photoOf[item] = p;
          copyOf[item] = c;
        }
      }
    }

    Item item(int i) {
      int p = photoOf[i];
      int c = copyOf[i];
      boolean identical = c > 0 && new SplittableRandom(seed * 7 + p).nextInt(10) == 0;
      float[] centre = gaussian(seed * 1_000_003 + p % topics, 1f);
      float[] v = gaussian(seed * 2_000_003 + p, 1f);
      for (int d = 0; d < dims; d++) v[d] += centre[d];
      normalize(v);
      if (c > 0 && !identical) {
        float[] noise = gaussian(seed * 3_000_017 + i, (float) (0.245 / Math.sqrt(dims)));
        for (int d = 0; d < dims; d++) v[d] += noise[d];
        normalize(v);
      }
      // a byte-identical copy has the photo's hash (the photo is item i - c)
      return new Item(
          String.format(Locale.ROOT, "%08d", i), "item-" + (identical ? i - c : i), v, p);
    }

    /** Pairs of items of the same photo (what a perfect dedup groups at this threshold). */
    long plantedPairs() {
      long pairs = 0;
      for (int i = 0; i < n; i++)
        pairs += copyOf[i]; // item with copy number c pairs with the c items before it
      return pairs;
    }

    /** How many planted pairs share a group (ids are the zero-padded item numbers). */
    long plantedPairsIn(List<List<String>> groups) {
      long found = 0;
      for (List<String> g : groups) {
        Map<Integer, Integer> perPhoto = new HashMap<>();
        for (String id : g) perPhoto.merge(photoOf[Integer.parseInt(id)], 1, Integer::sum);
        for (int k : perPhoto.values()) found += (long) k * (k - 1) / 2;
      }
      return found;
    }

    private float[] gaussian(long s, float sigma) {
      Random random = new Random(s);
      float[] v = new float[dims];
      for (int d = 0; d < dims; d++) v[d] = (float) random.nextGaussian() * sigma;
      return v;
    }

    private static void normalize(float[] v) {
      double sum = 0;
      for (float x : v) sum += x * x;
      float inv = (float) (1 / Math.sqrt(sum));
      for (int d = 0; d < v.length; d++) v[d] *= inv;
    }
  }

  /**
   * Peak memory of a phase: heap pools' peak usage (reset at the start) and the process's peak
   * resident set.
   */
  static final class Memory {
    static void reset() {
      System.gc();
      for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) pool.resetPeakUsage();
      try {
        Files.writeString(
            Path.of("/proc/self/clear_refs"), "5"); // Linux: resets VmHWM to the current RSS
      } catch (IOException | UnsupportedOperationException e) {
        // not Linux: rss_peak_mb is then the peak of the whole run
      }
    }

    /**
     * CPU time of the whole process so far (all threads, the JIT and GC included): on a shared
     * machine, wall time depends on the load, CPU time much less.
     */
    static double cpuSeconds() {
      return ProcessCpu.nanos() / 1e9;
    }

    static double heapPeakMb() {
      long peak = 0;
      for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
        if (pool.getType() == MemoryType.HEAP) peak += pool.getPeakUsage().getUsed();
      }
      return peak / (1024.0 * 1024);
    }

    static double rssPeakMb() {
      try {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
          if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
        }
      } catch (IOException e) {
        // not Linux
      }
      return -1;
    }
  }
}
