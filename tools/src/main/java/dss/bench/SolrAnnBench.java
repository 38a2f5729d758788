package dss.bench;

import dss.index.Hit;
import dss.index.ImageIndex;
import dss.index.ImageRecord;
import dss.index.IndexConfig;
import dss.index.KnnOptions;
import dss.index.KnnQuery;
import dss.index.lucene.LuceneIndex;
import dss.index.solr.SolrIndex;
import dss.model.ModelInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.lucene.util.IOUtils;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The embedded index against SolrCloud collections of 1, 2, 4 ... shards, through the same {@link
 * ImageIndex} calls the product makes (upsert, commit, optimize, snapshot k-NN with records): build
 * vectors/s (one client thread; then merged to one segment, per shard for Solr), single-query
 * p50/p99 latency, recall@k against exact search. bench/solr.sh starts a local cluster and runs
 * this on the ANN benchmark's vectors.
 */
@Command(
    name = "solr",
    description =
        "Embedded index vs SolrCloud collections of several shard counts (bench/solr.sh).")
public final class SolrAnnBench implements Callable<Integer> {
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
      defaultValue = "100",
      description = "Candidates per query (Lucene's k; Solr's topK per shard).")
  int ef;

  @Option(
      names = "--solr",
      required = true,
      description = "A SolrCloud node, solr://HOST:PORT (collections bench-sN).")
  String solr;

  @Option(names = "--shards", split = ",", defaultValue = "1,2,4")
  List<Integer> shards;

  @Option(names = "--replicas", defaultValue = "1")
  int replicas;

  @Option(names = "--no-embedded", description = "Skip the embedded index.")
  boolean noEmbedded;

  @Option(
      names = "--work",
      description = "Where to build the embedded index (default: a temporary folder, deleted).")
  Path work;

  record Row(String index, int n, double buildSeconds, double p50, double p99, double recall) {}

  @Override
  public Integer call() throws Exception {
    float[][] data = AnnBench.read(vectorsFile, dims);
    float[][] queries = AnnBench.read(queriesFile, dims);
    System.out.printf(
        Locale.ROOT,
        "solr bench: %d vectors x %d dims, %d queries, k=%d, M=%d, efC=%d, ef=%d%n",
        data.length,
        dims,
        queries.length,
        k,
        m,
        efConstruction,
        ef);
    AnnBench exactSearch = new AnnBench();
    exactSearch.dims = dims;
    exactSearch.k = k;
    int[][] exact = exactSearch.exactTopK(data, queries);
    ModelInfo model = new ModelInfo("ann-bench", "ann-bench", dims, "ann-bench");
    IndexConfig config = new IndexConfig(IndexConfig.Quantization.NONE, m, efConstruction);
    List<Row> rows = new ArrayList<>();
    if (!noEmbedded) {
      Path root =
          work != null ? Files.createDirectories(work) : Files.createTempDirectory("solr-bench");
      Path dir = root.resolve("embedded");
      try {
        IOUtils.rm(dir);
        rows.add(
            run(
                "embedded (Lucene 10)",
                data,
                queries,
                exact,
                () -> LuceneIndex.openWritable(dir, model, config),
                () -> LuceneIndex.openReadOnly(dir)));
      } finally {
        IOUtils.rm(dir);
        if (work == null) IOUtils.rm(root);
      }
    }
    String base = solr.replaceAll("/+$", "");
    for (int s : shards) {
      String location = base + "/bench-s" + s;
      SolrIndex.deleteCollection(location);
      try {
        rows.add(
            run(
                "SolrCloud, " + s + " shard" + (s > 1 ? "s" : "") + " x " + replicas + " replica",
                data,
                queries,
                exact,
                () -> SolrIndex.openWritable(location, model, config, s, replicas),
                () -> SolrIndex.openReadOnly(location)));
      } finally {
        SolrIndex.deleteCollection(location);
      }
    }
    System.out.println();
    System.out.println(
        "| index | vectors | build (vectors/s) | p50 ms | p99 ms | recall@" + k + " |");
    System.out.println("| --- | --- | --- | --- | --- | --- |");
    for (Row r : rows) {
      System.out.printf(
          Locale.ROOT,
          "| %s | %d | %.1f s (%.0f/s) | %.2f | %.2f | %.3f |%n",
          r.index(),
          r.n(),
          r.buildSeconds(),
          r.n() / r.buildSeconds(),
          r.p50(),
          r.p99(),
          r.recall());
    }
    return 0;
  }

  interface Open {
    ImageIndex open() throws Exception;
  }

  private Row run(
      String name, float[][] data, float[][] queries, int[][] exact, Open writable, Open readable)
      throws Exception {
    long t = System.nanoTime();
    try (ImageIndex index = writable.open()) {
      for (int i = 0; i < data.length; i++) index.upsert(record(i), data[i]);
      index.commit();
      index.optimize();
    }
    double build = (System.nanoTime() - t) / 1e9;
    System.out.printf(
        Locale.ROOT, "%s: built in %.1f s (%.0f vectors/s)%n", name, build, data.length / build);
    try (ImageIndex index = readable.open();
        ImageIndex.Snapshot snapshot = index.snapshot()) {
      for (float[] q : queries) snapshot.knn(query(q)); // warm-up: JIT, caches, connections
      long[] nanos = new long[queries.length];
      double found = 0;
      for (int i = 0; i < queries.length; i++) {
        long q0 = System.nanoTime();
        List<Hit> hits = snapshot.knn(query(queries[i]));
        nanos[i] = System.nanoTime() - q0;
        for (Hit h : hits) {
          int id = Integer.parseInt(h.image().path().substring(3));
          for (int e : exact[i]) if (e == id) found++;
        }
      }
      Arrays.sort(nanos);
      Row row =
          new Row(
              name,
              data.length,
              build,
              Percentiles.of(nanos, 50) / 1e6,
              Percentiles.of(nanos, 99) / 1e6,
              found / (queries.length * (double) k));
      System.out.printf(
          Locale.ROOT,
          "%s: query p50 %.2f ms, p99 %.2f ms (the product's k-NN call, records "
              + "included); recall@%d %.3f%n",
          name,
          row.p50(),
          row.p99(),
          k,
          row.recall());
      return row;
    }
  }

  private KnnQuery query(float[] vector) {
    return new KnnQuery(vector, null, new KnnOptions(k, null, null, ef));
  }

  private static ImageRecord record(int i) {
    String path = "/v/" + i;
    return new ImageRecord(
        ImageRecord.idFor(path), path, Integer.toString(i), 0, 0, 0, 0, "f32", 0);
  }
}
