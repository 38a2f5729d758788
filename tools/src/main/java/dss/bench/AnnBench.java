package dss.bench;

import dss.index.ImageRecord;
import dss.index.IndexConfig;
import dss.index.Hit;
import dss.index.ImageIndex;
import dss.index.KnnQuery;
import dss.index.lucene.LuceneIndex;
import dss.model.ModelInfo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.lucene.util.IOUtils;
import org.apache.lucene.util.VectorUtil;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The vector index alone: our Lucene index (LuceneIndex and its k-NN call, the code the product runs) on a file of unit
 * vectors, for each storage: build vectors/s (one writer thread, then merged to one segment), single-query p50/p99
 * latency, recall@k against exact search, and bytes on disk. bench/ann.sh runs hnswlib and faiss on the same files.
 */
@Command(name = "ann", header = "Measure HNSW build rate, latency and recall on vector files.", description = "HNSW index benchmark on float32 vector files (see bench/ann.sh).")
public final class AnnBench implements Callable<Integer> {
  @Option(names = "--vectors", required = true, description = "n x DIMS little-endian float32, unit vectors.")
  Path vectorsFile;

  @Option(names = "--queries", required = true, description = "Query vectors, same layout.")
  Path queriesFile;

  @Option(names = "--dims", required = true) int dims;
  @Option(names = "--k", defaultValue = "10") int k;
  @Option(names = "--m", defaultValue = "16") int m;
  @Option(names = "--ef-construction", defaultValue = "100") int efConstruction;
  @Option(names = "--ef", defaultValue = "100", description = "Candidates per query (Lucene's k, hnswlib's ef).")
  int ef;

  @Option(names = "--quantization", split = ",", defaultValue = "none,int8,int4,int1")
  List<String> quantizations;

  @Option(names = "--work", description = "Where to build the indexes (default: a temporary folder, deleted).")
  Path work;

  @Override public Integer call() throws Exception {
    float[][] data = read(vectorsFile, dims);
    float[][] queries = read(queriesFile, dims);
    System.out.printf(Locale.ROOT, "lucene: %d vectors x %d dims, %d queries, k=%d, M=%d, efC=%d, ef=%d%n",
        data.length, dims, queries.length, k, m, efConstruction, ef);
    long t = System.nanoTime();
    int[][] exact = exactTopK(data, queries);
    System.out.printf(Locale.ROOT, "lucene: exact top-%d in %.1f s (%d threads)%n", k, (System.nanoTime() - t) / 1e9,
        Runtime.getRuntime().availableProcessors());
    Path root = work != null ? Files.createDirectories(work) : Files.createTempDirectory("ann-bench");
    try {
      for (String q : quantizations) {
        IndexConfig config = new IndexConfig(IndexConfig.Quantization.valueOf(q.toUpperCase(Locale.ROOT)), m,
            efConstruction);
        Path dir = root.resolve(q);
        IOUtils.rm(dir);
        run(config, dir, data, queries, exact);
        IOUtils.rm(dir);
      }
    } finally {
      if (work == null) IOUtils.rm(root);
    }
    return 0;
  }

  private void run(IndexConfig config, Path dir, float[][] data, float[][] queries, int[][] exact) throws IOException {
    ModelInfo model = new ModelInfo("ann-bench", "ann-bench", dims, "ann-bench");
    long t = System.nanoTime();
    try (ImageIndex index = LuceneIndex.openWritable(dir, model, config)) {
      for (int i = 0; i < data.length; i++) index.upsert(record(i), data[i]);
      index.optimize();
    }
    double build = (System.nanoTime() - t) / 1e9;
    try (ImageIndex index = LuceneIndex.openReadOnly(dir); ImageIndex.Snapshot snapshot = index.snapshot()) {
      for (float[] q : queries) snapshot.knn(query(q)); // warm-up: JIT and page cache
      long[] nanos = new long[queries.length];
      double found = 0;
      for (int i = 0; i < queries.length; i++) {
        long q0 = System.nanoTime();
        List<Hit> hits = snapshot.knn(query(queries[i]));
        nanos[i] = System.nanoTime() - q0;
        found += recallHits(hits, exact[i]);
      }
      Arrays.sort(nanos);
      long[] bytes = bytesByKind(dir);
      System.out.printf(Locale.ROOT, "lucene %s: build %.1f s (%.0f vec/s, 1 thread + merge); query p50 %.3f ms "
              + "p99 %.3f ms (the product's k-NN call, records included); recall@%d %.3f; index %.1f MB (float32 "
              + "vectors %.1f MB, search-resident %.1f MB)%n",
          config.quantization().name().toLowerCase(Locale.ROOT), build, data.length / build,
          Percentiles.of(nanos, 50) / 1e6, Percentiles.of(nanos, 99) / 1e6, k, found / (queries.length * (double) k),
          bytes[0] / 1e6, bytes[1] / 1e6, bytes[2] / 1e6);
    }
  }

  private KnnQuery query(float[] vector) {
    return new KnnQuery(vector, k, null, null, ef);
  }

  private static ImageRecord record(int i) {
    String path = "/v/" + i;
    return new ImageRecord(ImageRecord.idFor(path), path, Integer.toString(i), 0, 0, 0, 0, "f32", 0);
  }

  private double recallHits(List<Hit> hits, int[] exact) {
    int found = 0;
    for (Hit h : hits) {
      int i = Integer.parseInt(h.image().path().substring(3));
      for (int e : exact) if (e == i) found++;
    }
    return found;
  }

  /**
   * {total, float32 vector file, search-resident}: with quantization a query reads the quantized vectors and the
   * graph, and only the few rescored float32 vectors (.vec); without, the float32 vectors are the searched ones.
   */
  private static long[] bytesByKind(Path dir) throws IOException {
    long total = 0;
    long raw = 0;
    boolean quantized = false;
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.toList()) {
        long size = Files.size(f);
        String name = f.getFileName().toString();
        total += size;
        if (name.endsWith(".vec")) raw += size;
        if (name.endsWith(".veq")) quantized = true;
      }
    }
    return new long[] {total, raw, quantized ? total - raw : total};
  }

  /**
   * Brute-force top k of every query. Tiled: each thread walks the data once in cache-sized blocks and scores its
   * share of the queries against a block, instead of streaming all the vectors from memory once per query.
   */
  int[][] exactTopK(float[][] data, float[][] queries) {
    int[][] best = new int[queries.length][k];
    float[][] scores = new float[queries.length][k];
    for (float[] s : scores) Arrays.fill(s, Float.NEGATIVE_INFINITY);
    int threads = Runtime.getRuntime().availableProcessors();
    int block = Math.max(16, (1 << 18) / (4 * dims)); // about 256 KB of vectors: stays in L2
    IntStream.range(0, threads).parallel().forEach(t -> {
      for (int start = 0; start < data.length; start += block) {
        int end = Math.min(data.length, start + block);
        for (int q = t; q < queries.length; q += threads) {
          for (int i = start; i < end; i++) insert(best[q], scores[q], i, VectorUtil.dotProduct(queries[q], data[i]));
        }
      }
    });
    return best;
  }

  /** Keeps {@code best} sorted by descending score: insertion into a k-sized array. */
  private static void insert(int[] best, float[] scores, int i, float s) {
    int k = best.length;
    if (s <= scores[k - 1]) return;
    int pos = k - 1;
    while (pos > 0 && scores[pos - 1] < s) {
      scores[pos] = scores[pos - 1];
      best[pos] = best[pos - 1];
      pos--;
    }
    scores[pos] = s;
    best[pos] = i;
  }

  static float[][] read(Path file, int dims) throws IOException {
    long bytes = Files.size(file);
    if (bytes % (4L * dims) != 0) {
      throw new IllegalArgumentException(file + ": " + bytes + " bytes is not a whole number of " + dims + "-d vectors");
    }
    int n = (int) (bytes / (4L * dims));
    float[][] out = new float[n][dims];
    try (FileChannel ch = FileChannel.open(file)) {
      ByteBuffer buf = ByteBuffer.allocateDirect(4 * dims).order(ByteOrder.LITTLE_ENDIAN);
      for (int i = 0; i < n; i++) {
        buf.clear();
        while (buf.hasRemaining()) if (ch.read(buf) < 0) throw new IOException(file + ": truncated");
        buf.flip();
        buf.asFloatBuffer().get(out[i]);
      }
    }
    return out;
  }
}
