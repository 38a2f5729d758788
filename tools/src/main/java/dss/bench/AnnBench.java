package dss.bench;

import dss.cli.UsageError;
import dss.index.Hit;
import dss.index.ImageIndex;
import dss.index.ImageRecord;
import dss.index.IndexConfig;
import dss.index.KnnOptions;
import dss.index.KnnQuery;
import dss.index.lucene.GraphOrExactQuery;
import dss.index.lucene.LuceneIndex;
import dss.model.ModelInfo;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.QueryTimeout;
import org.apache.lucene.search.AcceptDocs;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.knn.KnnCollectorManager;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.IOUtils;
import org.apache.lucene.util.VectorUtil;
import org.apache.lucene.util.hnsw.HnswGraphSearcher;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The vector index alone: our Lucene index (LuceneIndex and its k-NN call, the code the product
 * runs) on a file of unit vectors. For each storage it builds the index once (one writer thread,
 * then merged to one segment) and queries it at every candidate count of the sweep (Lucene's k,
 * hnswlib's ef), one query at a time after a warm-up, printing recall@k against exact search,
 * p50/p99 latency and queries per second. Without an explicit {@code --ef} it also measures the
 * product's default ({@link KnnQuery#of}), recall@k for several k at the default, and path-prefix
 * filters keeping 50%, 5% and 0.5% of the library. bench/ann.sh runs hnswlib and faiss
 * (bench/ann_peers.py) on the same files and the same ground truth, and plots the curves
 * (bench/ann_plot.py).
 */
@Command(
    name = "ann",
    header = "Measure HNSW build rate and the recall-latency curve on vector files.",
    description =
        "HNSW index benchmark on float32 vector files: a candidate-count sweep per storage (see bench/ann.sh).")
public final class AnnBench implements Callable<Integer> {
  /** The sweep when --ef is not given (the product's default is measured as well). */
  static final List<Integer> DEFAULT_SWEEP = List.of(10, 20, 50, 100, 200, 400, 800);

  /** Neighbours per query in the ground-truth file: recall@k for every k up to this. */
  static final int TRUTH_K = 100;

  @Option(
      names = "--vectors",
      required = true,
      description = "n x DIMS little-endian float32, unit vectors.")
  Path vectorsFile;

  @Option(names = "--queries", required = true, description = "Query vectors, same layout.")
  Path queriesFile;

  @Option(names = "--dims", required = true)
  int dims;

  @Option(names = "--k", defaultValue = "10")
  int k;

  @Option(names = "--m", defaultValue = "16")
  int m;

  @Option(names = "--ef-construction", defaultValue = "100")
  int efConstruction;

  @Option(
      names = "--ef",
      split = ",",
      paramLabel = "N[,N...]",
      description =
          "Candidates per query to sweep "
              + "(Lucene's k, hnswlib's ef). Default: 10,20,50,100,200,400,800 plus the product's default settings.")
  List<Integer> ef;

  @Option(
      names = "--only-default",
      description =
          "No sweep: only the product's default settings (the default "
              + "point, recall@k, filters), e.g. on indexes kept by an earlier run (--work DIR --keep).")
  boolean onlyDefault;

  @Option(names = "--quantization", split = ",", defaultValue = "none,int8,int4,int1")
  List<String> quantizations;

  @Option(
      names = "--ground-truth",
      paramLabel = "FILE",
      description =
          "Exact top-100 of every query (int32 "
              + "little-endian, queries x 100): read when it exists (the peers use the same file), else computed and written.")
  Path groundTruth;

  @Option(
      names = "--filters",
      split = ",",
      paramLabel = "F[,F...]",
      description =
          "Path-prefix filters keeping "
              + "these fractions of the library, on the float32 index. Default without --ef: 0.5,0.05,0.005.")
  List<Double> filters;

  @Option(
      names = "--recall-k",
      split = ",",
      paramLabel = "K[,K...]",
      description =
          "Recall@K at the default "
              + "candidates for these K (at most 100). Default without --ef: 1,10,100.")
  List<Integer> recallK;

  @Option(
      names = "--crossover",
      split = ",",
      paramLabel = "N[,N...]",
      description =
          "Also build float32 indexes of "
              + "the first N vectors and time the graph against exact search on each (where exact search pays).")
  List<Integer> crossover;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      description =
          "Write the points as CSV files here: lucene-points.csv "
              + "(and lucene-filters.csv, lucene-recall-k.csv, lucene-crossover.csv).")
  Path out;

  @Option(
      names = "--rounds",
      defaultValue = "3",
      description =
          "Timed passes over the queries per setting, "
              + "interleaved across settings; the fastest pass (lowest p50) is reported, as ann-benchmarks does (default: 3).")
  int rounds;

  @Option(
      names = "--work",
      description = "Where to build the indexes (default: a temporary folder, deleted).")
  Path work;

  @Option(
      names = "--keep",
      description = "Keep the built indexes in --work and reuse them in later runs.")
  boolean keep;

  private float[][] data;
  private float[][] queries;
  private int[][] truth;

  @Override
  public Integer call() throws Exception {
    if (k < 1 || k > TRUTH_K) throw new UsageError("--k must be 1.." + TRUTH_K + ", got " + k);
    boolean auto = ef == null;
    List<Integer> sweep = onlyDefault ? List.of() : auto ? DEFAULT_SWEEP : ef;
    if (auto && filters == null) filters = List.of(0.5, 0.05, 0.005);
    if (auto && recallK == null) recallK = List.of(1, 10, 100);
    data = read(vectorsFile, dims);
    queries = read(queriesFile, dims);
    System.out.printf(
        Locale.ROOT,
        "lucene: %d vectors x %d dims, %d queries, k=%d, M=%d, efC=%d, ef %s%s; default "
            + "candidates for k=%d: %d (KnnOptions.defaultCandidates of the library), exact search up to %d x candidates matches%n",
        data.length,
        dims,
        queries.length,
        k,
        m,
        efConstruction,
        sweep,
        auto ? " + default" : "",
        k,
        KnnOptions.defaultCandidates(k, data.length),
        GraphOrExactQuery.EXACT_PER_CANDIDATE);
    truth = groundTruth();
    if (out != null) Files.createDirectories(out);
    Path root =
        work != null ? Files.createDirectories(work) : Files.createTempDirectory("ann-bench");
    try (Csv points =
        csv(
            "lucene-points.csv",
            "system,storage,setting,ef,graph_candidates,k,recall,p50_ms,p99_ms,"
                + "qps,build_seconds,n,dims,queries,records_p50_ms,records_p99_ms")) {
      for (String q : quantizations) {
        IndexConfig.Quantization quantization =
            IndexConfig.Quantization.valueOf(q.toUpperCase(Locale.ROOT));
        Path dir = root.resolve(q);
        double build = build(new IndexConfig(quantization, m, efConstruction), dir, data.length);
        try (ImageIndex index = LuceneIndex.openReadOnly(dir);
            ImageIndex.Snapshot snapshot = index.snapshot();
            DirectoryReader reader = DirectoryReader.open(FSDirectory.open(dir))) {
          IndexSearcher searcher = new IndexSearcher(reader);
          String storage = quantization == IndexConfig.Quantization.NONE ? "float32" : q;
          int oversample = quantization == IndexConfig.Quantization.NONE ? 1 : 3;
          for (float[] v : queries)
            snapshot.knn(
                new KnnQuery(v, null, new KnnOptions(k, null, null, 100))); // JIT and page cache
          List<String> labels = new ArrayList<>();
          List<Integer> settings = new ArrayList<>();
          for (int e : sweep) {
            labels.add("sweep");
            settings.add(e);
          }
          if (auto) {
            labels.add("default");
            settings.add(KnnOptions.defaultCandidates(k, data.length));
          }
          List<QueryRun> runs = new ArrayList<>();
          boolean quantized = quantization != IndexConfig.Quantization.NONE;
          for (int candidates : settings) {
            runs.add(idsOnly(searcher, reader, quantized, k, candidates, null, truth));
            runs.add(product(snapshot, k, candidates, null, truth));
          }
          Point[] measured = measure(runs, k);
          for (int s = 0; s < settings.size(); s++) {
            int candidates = settings.get(s);
            Point p = measured[2 * s];
            Point withRecords = measured[2 * s + 1];
            System.out.printf(
                Locale.ROOT,
                "lucene %s %s ef=%d (graph collects %d): recall@%d %.4f, p50 %.3f ms, "
                    + "p99 %.3f ms, %.0f qps; with the records (the product's call) p50 %.3f ms, p99 %.3f ms%n",
                storage,
                labels.get(s),
                candidates,
                candidates * oversample,
                k,
                p.recall,
                p.p50,
                p.p99,
                p.qps,
                withRecords.p50,
                withRecords.p99);
            points.row(
                "lucene",
                storage,
                labels.get(s),
                candidates,
                candidates * oversample,
                k,
                p.recall,
                p.p50,
                p.p99,
                p.qps,
                build,
                data.length,
                dims,
                queries.length,
                withRecords.p50,
                withRecords.p99);
          }
          if (recallK != null) recallAtK(snapshot, storage);
          if (filters != null && quantization == IndexConfig.Quantization.NONE)
            filtered(searcher, reader);
        }
        if (!keep) IOUtils.rm(dir);
      }
      if (crossover != null) crossover(root);
    } finally {
      if (work == null) IOUtils.rm(root);
    }
    return 0;
  }

  /**
   * Builds (or, with --keep, reuses) an index of the first {@code n} vectors; returns the build
   * seconds (0: reused).
   */
  private double build(IndexConfig config, Path dir, int n) throws IOException {
    Path marker =
        dir.resolve(
            "bench-" + n + "x" + dims + "-m" + config.maxConn() + "-efc" + config.beamWidth());
    if (keep && Files.exists(marker)) {
      System.out.printf(
          Locale.ROOT,
          "lucene %s: reusing the index in %s%n",
          config.quantization().name().toLowerCase(Locale.ROOT),
          dir);
      return 0;
    }
    IOUtils.rm(dir);
    ModelInfo model = new ModelInfo("ann-bench", "ann-bench", dims, "ann-bench");
    long t = System.nanoTime();
    try (ImageIndex index = LuceneIndex.openWritable(dir, model, config)) {
      for (int i = 0; i < n; i++) index.upsert(record(i), data[i]);
      index.optimize();
    }
    double build = (System.nanoTime() - t) / 1e9;
    long[] bytes = bytesByKind(dir);
    System.out.printf(
        Locale.ROOT,
        "lucene %s: build %.1f s (%.0f vec/s, 1 thread + merge); index %.1f MB (float32 "
            + "vectors %.1f MB, search-resident %.1f MB)%n",
        config.quantization().name().toLowerCase(Locale.ROOT),
        build,
        n / build,
        bytes[0] / 1e6,
        bytes[1] / 1e6,
        bytes[2] / 1e6);
    Files.createFile(marker);
    return build;
  }

  record Point(double recall, double p50, double p99, double qps) {}

  /**
   * One way to answer the queries: a search (timed) and its overlap with the exact answer (not
   * timed).
   */
  interface QueryRun {
    Object search(int query) throws IOException;

    long overlap(Object result, int query) throws IOException;
  }

  /** The product's k-NN call ({@code Snapshot.knn}, the records of the hits included). */
  private QueryRun product(
      ImageIndex.Snapshot snapshot, int kk, int candidates, String prefix, int[][] exact) {
    return new QueryRun() {
      @Override
      public Object search(int i) throws IOException {
        return snapshot.knn(
            new KnnQuery(queries[i], null, new KnnOptions(kk, null, prefix, candidates)));
      }

      @SuppressWarnings("unchecked")
      @Override
      public long overlap(Object result, int i) {
        return AnnBench.overlap((List<Hit>) result, exact[i], kk);
      }
    };
  }

  /**
   * The vector search alone, ids and scores as the peers return them: the very query the product's
   * k-NN call runs ({@link GraphOrExactQuery#forKnn}), without reading the records of the hits.
   */
  private QueryRun idsOnly(
      IndexSearcher searcher,
      DirectoryReader reader,
      boolean quantized,
      int kk,
      int candidates,
      String prefix,
      int[][] exact) {
    return new QueryRun() {
      @Override
      public Object search(int i) throws IOException {
        return searcher.search(
                GraphOrExactQuery.forKnn(
                    new KnnQuery(queries[i], null, new KnnOptions(kk, null, prefix, candidates)),
                    reader.maxDoc(),
                    quantized),
                kk)
            .scoreDocs;
      }

      @Override
      public long overlap(Object result, int i) throws IOException {
        return AnnBench.overlap((ScoreDoc[]) result, reader, exact[i], kk);
      }
    };
  }

  /**
   * Each run answers every query one at a time, in {@link #rounds} rounds interleaved across the
   * runs (so that a burst of load elsewhere on the machine does not fall on one setting only); each
   * pass starts with a warm-up of up to 100 queries. Recall@kk from the first pass; p50, p99 and
   * queries per second from the fastest pass (lowest p50), as ann-benchmarks reports the best of
   * its runs.
   */
  private Point[] measure(List<QueryRun> runs, int kk) throws IOException {
    Point[] best = new Point[runs.size()];
    double[] recall = new double[runs.size()];
    for (int round = 0; round < Math.max(1, rounds); round++) {
      for (int r = 0; r < runs.size(); r++) {
        QueryRun run = runs.get(r);
        for (int i = 0; i < Math.min(100, queries.length); i++) run.search(i);
        long[] nanos = new long[queries.length];
        Object[] results = new Object[queries.length];
        for (int i = 0; i < queries.length; i++) {
          long q0 = System.nanoTime();
          results[i] = run.search(i);
          nanos[i] = System.nanoTime() - q0;
        }
        if (round == 0) {
          long found = 0;
          for (int i = 0; i < queries.length; i++) found += run.overlap(results[i], i);
          recall[r] = found / (queries.length * (double) kk);
        }
        long total = 0;
        for (long t : nanos) total += t;
        Arrays.sort(nanos);
        Point p =
            new Point(
                recall[r],
                Percentiles.of(nanos, 50) / 1e6,
                Percentiles.of(nanos, 99) / 1e6,
                queries.length / (total / 1e9));
        if (best[r] == null || p.p50 < best[r].p50) best[r] = p;
      }
    }
    return best;
  }

  /**
   * Recall@K for several K at the default candidates for each K ({@link
   * KnnOptions#defaultCandidates}).
   */
  private void recallAtK(ImageIndex.Snapshot snapshot, String storage) throws IOException {
    try (Csv csv =
        csv("lucene-recall-k.csv", "system,storage,k,candidates,recall,p50_ms,p99_ms,qps,n,dims")) {
      for (int kk : recallK) {
        if (kk < 1 || kk > TRUTH_K) throw new UsageError("--recall-k must be 1.." + TRUTH_K);
        int candidates = KnnOptions.defaultCandidates(kk, data.length);
        Point p = measure(List.of(product(snapshot, kk, candidates, null, truth)), kk)[0];
        System.out.printf(
            Locale.ROOT,
            "lucene %s default k=%d (candidates %d): recall@%d %.4f, p50 %.3f ms, p99 "
                + "%.3f ms%n",
            storage,
            kk,
            candidates,
            kk,
            p.recall,
            p.p50,
            p.p99);
        csv.row(
            "lucene", storage, kk, candidates, p.recall, p.p50, p.p99, p.qps, data.length, dims);
      }
    }
  }

  /**
   * Path-prefix filters keeping about 50%, 5% and 0.5% of the library (the records' paths carry
   * random digits for this, {@link #path}): recall against the exact top k among the documents the
   * filter keeps, vector search alone, for the product's query (graph, or exact search on few
   * matches), for Lucene's own KnnFloatVectorQuery with the same filter and candidates (with which
   * path Lucene took), and for scoring every match.
   */
  private void filtered(IndexSearcher searcher, DirectoryReader reader) throws IOException {
    int candidates = KnnOptions.defaultCandidates(k, data.length);
    try (Csv csv =
        csv(
            "lucene-filters.csv",
            "fraction,prefix,matching,query,candidates,recall,p50_ms,p99_ms,"
                + "lucene_path,mean_visited,n,dims")) {
      for (double fraction : filters) {
        String prefix = prefixKeeping(fraction);
        int[] subset =
            IntStream.range(0, data.length).filter(i -> path(i).startsWith(prefix)).toArray();
        int[][] exact = exactTopK(subset, k);
        Query filter = GraphOrExactQuery.pathPrefix(prefix);
        Probe.Stats stats = new Probe.Stats();
        QueryRun lucene =
            new QueryRun() { // Lucene's own query and strategy, recorded on the first pass
              @Override
              public Object search(int i) throws IOException {
                Probe probe = new Probe(queries[i], candidates, filter);
                TopDocs top = searcher.search(probe, k);
                if (stats.queries < queries.length) stats.add(probe);
                return top.scoreDocs;
              }

              @Override
              public long overlap(Object result, int i) throws IOException {
                return AnnBench.overlap((ScoreDoc[]) result, reader, exact[i], k);
              }
            };
        stats.queries = -Math.min(100, queries.length); // the first warm-up is not recorded
        QueryRun scan = new QueryRun() { // every match scored, whatever their number
              @Override
              public Object search(int i) throws IOException {
                return searcher.search(
                        new GraphOrExactQuery(
                            GraphOrExactQuery.FIELD,
                            queries[i],
                            candidates,
                            filter,
                            Integer.MAX_VALUE),
                        k)
                    .scoreDocs;
              }

              @Override
              public long overlap(Object result, int i) throws IOException {
                return AnnBench.overlap((ScoreDoc[]) result, reader, exact[i], k);
              }
            };
        Point[] p =
            measure(
                List.of(
                    idsOnly(searcher, reader, false, k, candidates, prefix, exact), lucene, scan),
                k);
        String lucenePath = stats.describe(data.length, candidates);
        System.out.printf(
            Locale.ROOT,
            "lucene float32 filter %s (%d of %d, %.1f%%): product (candidates %d, exact "
                + "search up to %d matches) recall@%d %.4f, p50 %.3f ms, p99 %.3f ms; Lucene's KnnFloatVectorQuery "
                + "alone recall@%d %.4f, p50 %.3f ms, p99 %.3f ms: %s; every match scored: p50 %.3f ms%n",
            prefix,
            subset.length,
            data.length,
            100.0 * subset.length / data.length,
            candidates,
            GraphOrExactQuery.EXACT_PER_CANDIDATE * candidates,
            k,
            p[0].recall,
            p[0].p50,
            p[0].p99,
            k,
            p[1].recall,
            p[1].p50,
            p[1].p99,
            lucenePath,
            p[2].p50);
        csv.row(
            fraction,
            prefix,
            subset.length,
            "product",
            candidates,
            p[0].recall,
            p[0].p50,
            p[0].p99,
            "",
            "",
            data.length,
            dims);
        csv.row(
            fraction,
            prefix,
            subset.length,
            "lucene",
            candidates,
            p[1].recall,
            p[1].p50,
            p[1].p99,
            lucenePath,
            stats.visited / (double) Math.max(1, stats.queries),
            data.length,
            dims);
        csv.row(
            fraction,
            prefix,
            subset.length,
            "scan",
            candidates,
            p[2].recall,
            p[2].p50,
            p[2].p99,
            "",
            "",
            data.length,
            dims);
      }
    }
  }

  /**
   * Lucene's KnnFloatVectorQuery, unchanged, recording its strategy: the graph search ({@code
   * approximateSearch}: the graph, or the codec's own exhaustive scan when the filter keeps at most
   * ln(n) x k documents) and the exact search it falls back to (at most k matches, or the graph
   * walk visited more nodes than the filter keeps).
   */
  static final class Probe extends KnnFloatVectorQuery {
    int graphCalls;
    int exactCalls;
    long visited;
    int filterCost = -1;

    Probe(float[] target, int k, Query filter) {
      super(GraphOrExactQuery.FIELD, target, k, filter);
    }

    @Override
    protected TopDocs approximateSearch(
        LeafReaderContext context,
        AcceptDocs acceptDocs,
        int visitedLimit,
        KnnCollectorManager manager)
        throws IOException {
      graphCalls++;
      filterCost = acceptDocs.cost();
      TopDocs top = super.approximateSearch(context, acceptDocs, visitedLimit, manager);
      visited += top.totalHits.value();
      return top;
    }

    @Override
    protected TopDocs exactSearch(
        LeafReaderContext context, DocIdSetIterator accept, QueryTimeout timeout)
        throws IOException {
      exactCalls++;
      return super.exactSearch(context, accept, timeout);
    }

    static final class Stats {
      int queries;
      int graphOnly;
      int graphThenExact;
      int exactOnly;
      long visited;
      int cost;

      void add(Probe p) {
        if (queries++ < 0) return; // warm-up
        visited += p.visited;
        cost = Math.max(cost, p.filterCost);
        if (p.exactCalls > 0 && p.graphCalls > 0) graphThenExact++;
        else if (p.exactCalls > 0) exactOnly++;
        else graphOnly++;
      }

      String describe(int n, int k) {
        int scanBelow = HnswGraphSearcher.expectedVisitedNodes(k, n);
        String graph =
            cost > 0 && cost <= scanBelow
                ? "exhaustive scan of the matches (they are <= ln(n) x k = " + scanBelow + ")"
                : "graph search with the filter";
        return String.format(
            Locale.ROOT,
            "%d queries: %d %s, %d graph then exact (visit limit), %d exact (<= k "
                + "matches); mean visited %.0f",
            queries,
            graphOnly,
            graph,
            graphThenExact,
            exactOnly,
            visited / (double) Math.max(1, queries));
      }
    }
  }

  /**
   * Lucene's KnnFloatVectorQuery sent to its query-level exact search ({@code exactSearch}) in
   * every segment.
   */
  static final class ExactSearchOnly extends KnnFloatVectorQuery {
    ExactSearchOnly(float[] target, int k) {
      super(GraphOrExactQuery.FIELD, target, k);
    }

    @Override
    protected TopDocs approximateSearch(
        LeafReaderContext context,
        AcceptDocs acceptDocs,
        int visitedLimit,
        KnnCollectorManager manager)
        throws IOException {
      return exactSearch(context, acceptDocs.iterator(), null);
    }
  }

  /**
   * Where exact search pays: float32 indexes of the first N vectors, each query timed through the
   * graph (exact switch off) and through exact search (every vector scored), at the default
   * candidates for k and twice that; vector search alone (Lucene's IndexSearcher, no records).
   */
  private void crossover(Path root) throws IOException {
    try (Csv csv =
        csv(
            "lucene-crossover.csv",
            "n,dims,candidates,graph_p50_ms,scan_p50_ms,exact_search_p50_ms,"
                + "graph_recall,scan_per_graph")) {
      for (int n : crossover) {
        if (n > data.length) continue;
        Path dir = root.resolve("crossover-" + n);
        build(new IndexConfig(IndexConfig.Quantization.NONE, m, efConstruction), dir, n);
        int[] all = IntStream.range(0, n).toArray();
        int[][] exact = exactTopK(all, k);
        try (DirectoryReader reader = DirectoryReader.open(FSDirectory.open(dir))) {
          IndexSearcher searcher = new IndexSearcher(reader);
          int base = KnnOptions.defaultCandidates(k, n);
          for (int candidates : new int[] {base, 2 * base}) {
            Point[] p =
                measure(
                    List.of(
                        raw(searcher, reader, candidates, 0, exact),
                        raw(searcher, reader, candidates, Integer.MAX_VALUE, exact),
                        raw(searcher, reader, candidates, -1, exact)),
                    k);
            System.out.printf(
                Locale.ROOT,
                "lucene crossover n=%d candidates=%d: graph p50 %.3f ms (recall@%d "
                    + "%.4f), exact scan p50 %.3f ms (recall %.4f), Lucene's exactSearch p50 %.3f ms: scan/graph "
                    + "%.2f%n",
                n,
                candidates,
                p[0].p50,
                k,
                p[0].recall,
                p[1].p50,
                p[1].recall,
                p[2].p50,
                p[1].p50 / p[0].p50);
            csv.row(
                n,
                dims,
                candidates,
                p[0].p50,
                p[1].p50,
                p[2].p50,
                p[0].recall,
                p[1].p50 / p[0].p50);
          }
        }
        if (!keep) IOUtils.rm(dir);
      }
    }
  }

  /**
   * Vector search alone through GraphOrExactQuery with this exact limit (0: always the graph; MAX:
   * always the format's exhaustive scan), or (-1) Lucene's query-level exactSearch on every
   * document.
   */
  private QueryRun raw(
      IndexSearcher searcher,
      DirectoryReader reader,
      int candidates,
      int exactLimit,
      int[][] exact) {
    return new QueryRun() {
      @Override
      public Object search(int i) throws IOException {
        Query q =
            exactLimit >= 0
                ? new GraphOrExactQuery(
                    GraphOrExactQuery.FIELD, queries[i], candidates, null, exactLimit)
                : new ExactSearchOnly(queries[i], candidates);
        return searcher.search(q, k).scoreDocs;
      }

      @Override
      public long overlap(Object result, int i) throws IOException {
        return AnnBench.overlap((ScoreDoc[]) result, reader, exact[i], k);
      }
    };
  }

  /**
   * The record of vector {@code i}: its path carries three random digits (a 0..1, b, c 0..9, seeded
   * by i) so that the prefixes /v/0/, /v/0/0/ and /v/0/0/0/ keep about 50%, 5% and 0.5% of the
   * library, unrelated to the vectors.
   */
  static String path(int i) {
    SplittableRandom r = new SplittableRandom(0x5eed + i);
    return "/v/" + r.nextInt(2) + "/" + r.nextInt(10) + "/" + r.nextInt(10) + "/" + i;
  }

  /**
   * The prefix of {@link #path} keeping about {@code fraction} of the library: 0.5, 0.05 or 0.005.
   */
  static String prefixKeeping(double fraction) {
    if (Math.abs(fraction - 0.5) < 1e-9) return "/v/0/";
    if (Math.abs(fraction - 0.05) < 1e-9) return "/v/0/0/";
    if (Math.abs(fraction - 0.005) < 1e-9) return "/v/0/0/0/";
    throw new UsageError("--filters: 0.5, 0.05 or 0.005, got " + fraction);
  }

  private static ImageRecord record(int i) {
    String path = path(i);
    return new ImageRecord(
        ImageRecord.idFor(path), path, Integer.toString(i), 0, 0, 0, 0, "f32", 0);
  }

  private static int number(String path) {
    return Integer.parseInt(path.substring(path.lastIndexOf('/') + 1));
  }

  private static long overlap(List<Hit> hits, int[] exact, int kk) {
    Set<Integer> want = top(exact, kk);
    long found = 0;
    for (Hit h : hits) if (want.contains(number(h.image().path()))) found++;
    return found;
  }

  private static long overlap(ScoreDoc[] hits, DirectoryReader reader, int[] exact, int kk)
      throws IOException {
    Set<Integer> want = top(exact, kk);
    long found = 0;
    var stored = reader.storedFields();
    for (ScoreDoc sd : hits)
      if (want.contains(number(stored.document(sd.doc).get("path")))) found++;
    return found;
  }

  private static Set<Integer> top(int[] exact, int kk) {
    Set<Integer> want = new HashSet<>();
    for (int j = 0; j < Math.min(kk, exact.length); j++) want.add(exact[j]);
    return want;
  }

  /**
   * The exact top {@value #TRUTH_K} of every query: read from --ground-truth when the file exists
   * (checked against our own brute force on a few queries), else computed and, with --ground-truth,
   * written for the peers.
   */
  private int[][] groundTruth() throws IOException {
    if (groundTruth != null && Files.exists(groundTruth)) {
      int[][] t = readTruth(groundTruth, queries.length);
      int check = Math.min(5, queries.length);
      int[][] ours =
          exactTopK(IntStream.range(0, data.length).toArray(), k, Arrays.copyOf(queries, check));
      long same = 0;
      for (int i = 0; i < check; i++)
        same += top(t[i], k).stream().filter(top(ours[i], k)::contains).count();
      if (same < 0.99 * check * k) {
        throw new IllegalStateException(groundTruth + " does not match these vectors and queries");
      }
      System.out.printf(Locale.ROOT, "lucene: ground truth from %s%n", groundTruth);
      return t;
    }
    long t0 = System.nanoTime();
    int[][] t =
        exactTopK(IntStream.range(0, data.length).toArray(), Math.min(TRUTH_K, data.length));
    System.out.printf(
        Locale.ROOT,
        "lucene: exact top-%d in %.1f s (%d threads)%n",
        TRUTH_K,
        (System.nanoTime() - t0) / 1e9,
        Runtime.getRuntime().availableProcessors());
    if (groundTruth != null) {
      ByteBuffer buf = ByteBuffer.allocate(4 * t.length * TRUTH_K).order(ByteOrder.LITTLE_ENDIAN);
      for (int[] row : t)
        for (int j = 0; j < TRUTH_K; j++) buf.putInt(j < row.length ? row[j] : -1);
      Path tmp = groundTruth.resolveSibling(groundTruth.getFileName() + ".tmp");
      Files.write(tmp, buf.array());
      Files.move(tmp, groundTruth, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    return t;
  }

  static int[][] readTruth(Path file, int n) throws IOException {
    ByteBuffer buf = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
    if (buf.remaining() != 4L * n * TRUTH_K) {
      throw new UsageError(file + ": expected " + n + " x " + TRUTH_K + " int32");
    }
    int[][] t = new int[n][TRUTH_K];
    for (int[] row : t) for (int j = 0; j < TRUTH_K; j++) row[j] = buf.getInt();
    return t;
  }

  private int[][] exactTopK(int[] subset, int kk) {
    return exactTopK(subset, kk, queries);
  }

  /**
   * Brute-force top {@code kk} of every query among {@code subset}. Tiled: each thread walks the
   * data once in cache-sized blocks and scores its share of the queries against a block.
   */
  private int[][] exactTopK(int[] subset, int kk, float[][] qs) {
    int[][] best = new int[qs.length][kk];
    float[][] scores = new float[qs.length][kk];
    for (int[] b : best) Arrays.fill(b, -1);
    for (float[] s : scores) Arrays.fill(s, Float.NEGATIVE_INFINITY);
    int threads = Runtime.getRuntime().availableProcessors();
    int block = Math.max(16, (1 << 18) / (4 * dims)); // about 256 KB of vectors: stays in L2
    IntStream.range(0, threads)
        .parallel()
        .forEach(
            t -> {
              for (int start = 0; start < subset.length; start += block) {
                int end = Math.min(subset.length, start + block);
                for (int q = t; q < qs.length; q += threads) {
                  for (int j = start; j < end; j++) {
                    int i = subset[j];
                    insert(best[q], scores[q], i, VectorUtil.dotProduct(qs[q], data[i]));
                  }
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

  /**
   * {total, float32 vector file, search-resident}: with quantization a query reads the quantized
   * vectors and the graph, and only the few rescored float32 vectors (.vec); without, the float32
   * vectors are the searched ones.
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
   * Exact top k of every query over all of {@code data}: the SolrCloud benchmark's ground truth.
   */
  int[][] exactTopK(float[][] data, float[][] queries) {
    this.data = data;
    this.queries = queries;
    return exactTopK(IntStream.range(0, data.length).toArray(), k, queries);
  }

  static float[][] read(Path file, int dims) throws IOException {
    long bytes = Files.size(file);
    if (bytes % (4L * dims) != 0) {
      throw new UsageError(
          file + ": " + bytes + " bytes is not a whole number of " + dims + "-d vectors");
    }
    int n = (int) (bytes / (4L * dims));
    float[][] out = new float[n][dims];
    try (FileChannel ch = FileChannel.open(file)) {
      ByteBuffer buf = ByteBuffer.allocateDirect(4 * dims).order(ByteOrder.LITTLE_ENDIAN);
      for (int i = 0; i < n; i++) {
        buf.clear();
        while (buf.hasRemaining())
          if (ch.read(buf) < 0) throw new IOException(file + ": truncated");
        buf.flip();
        buf.asFloatBuffer().get(out[i]);
      }
    }
    return out;
  }

  /** A CSV file under --out (appended to, header once), or nothing without --out. */
  private Csv csv(String name, String header) throws IOException {
    return new Csv(out == null ? null : out.resolve(name), header);
  }

  static final class Csv implements AutoCloseable {
    private final PrintWriter writer;

    Csv(Path file, String header) throws IOException {
      if (file == null) {
        writer = null;
        return;
      }
      boolean fresh = !Files.exists(file) || Files.size(file) == 0;
      writer =
          new PrintWriter(
              Files.newBufferedWriter(
                  file,
                  StandardCharsets.UTF_8,
                  StandardOpenOption.CREATE,
                  StandardOpenOption.APPEND));
      if (fresh) writer.println(header);
    }

    void row(Object... values) {
      if (writer == null) return;
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < values.length; i++) {
        if (i > 0) line.append(',');
        Object v = values[i];
        String s =
            v instanceof Double d ? String.format(Locale.ROOT, "%.6g", d) : String.valueOf(v);
        line.append(s.contains(",") || s.contains("\"") ? '"' + s.replace("\"", "\"\"") + '"' : s);
      }
      writer.println(line);
      writer.flush();
    }

    @Override
    public void close() {
      if (writer != null) writer.close();
    }
  }
}
