package dss.bench;

import dss.cli.JsonOut;
import dss.index.ImageIndex;
import dss.index.ImageRecord;
import dss.index.IndexConfig;
import dss.index.ListingQuery;
import dss.index.lucene.LuceneIndex;
import dss.model.ModelInfo;
import dss.search.SimilaritySearch;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import org.apache.lucene.util.IOUtils;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The library listing ({@code GET /api/images}) at scale: builds (or reuses) a Lucene index of N
 * synthetic records with random unit vectors, paths in 100 folders and random modification times
 * over a year, then times the query API's {@link SimilaritySearch#list} (what the HTTP handler
 * calls: the server time without JSON and network) for the first page, the middle page and the last
 * page of each order, and the first page of one folder. A page by offset is read from whichever end
 * of the order is nearer, so the middle page is the slowest; the middle and last pages are also
 * asked by cursor (after the previous page's {@code next}), which costs the same at every depth.
 */
@Command(
    name = "listing",
    header = "Measure the library listing's server time on N synthetic records.",
    sortOptions = false,
    description = "Listing at scale: median and p99 of the first, middle and last page per order.")
public final class ListingBench implements Callable<Integer> {
  @Option(
      names = "--size",
      defaultValue = "100000",
      description = "Records (default: ${DEFAULT-VALUE}).")
  int size;

  @Option(
      names = "--dims",
      defaultValue = "768",
      description = "Vector dimensions (default: ${DEFAULT-VALUE}).")
  int dims;

  @Option(
      names = "--page-size",
      defaultValue = "60",
      description = "Images per page (default: ${DEFAULT-VALUE}).")
  int pageSize;

  @Option(
      names = "--queries",
      defaultValue = "200",
      description =
          "Timed requests per row, after 30 untimed rounds "
              + "over all rows (default: ${DEFAULT-VALUE}).")
  int queries;

  @Option(
      names = "--index",
      paramLabel = "DIR",
      description =
          "Index directory: built when absent, reused when it "
              + "holds the same size and dims (default: a temporary directory, deleted after).")
  Path index;

  static final int FOLDERS = 100;

  /**
   * Untimed rounds over every query first, so the first row is not the one that pays for the JIT.
   */
  static final int WARM_UP = 30;

  /** {@code via}: {@code offset} (page=N) or {@code cursor} (after=the previous page's next). */
  record Row(
      String sort,
      String page,
      String via,
      String pathPrefix,
      long total,
      int images,
      double medianMs,
      double p99Ms) {}

  @Override
  public Integer call() throws Exception {
    boolean temporary = index == null;
    Path dir = temporary ? Files.createTempDirectory("listing-bench") : index;
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("n", size);
    out.put("dims", dims);
    out.put("page_size", pageSize);
    out.put("queries", queries);
    out.put("cores", Runtime.getRuntime().availableProcessors());
    try {
      out.put("build_seconds", build(dir));
      try (ImageIndex library = LuceneIndex.openReadOnly(dir)) {
        out.put("segments", library.stats().segments());
        SimilaritySearch search = new SimilaritySearch(library, null);
        int lastOffset = Math.max(0, (size - 1) / pageSize * pageSize);
        int middleOffset = size / 2 / pageSize * pageSize;
        Map<ListingQuery, String> queries = new LinkedHashMap<>();
        for (ListingQuery.Order order : ListingQuery.Order.values()) {
          queries.put(new ListingQuery(order, null, 0, pageSize), "first");
          queries.put(new ListingQuery(order, null, middleOffset, pageSize), "middle");
          queries.put(new ListingQuery(order, null, lastOffset, pageSize), "last");
          // the same pages by cursor: the next of the page before (found once, untimed)
          queries.put(afterPageAt(search, order, middleOffset), "middle");
          queries.put(afterPageAt(search, order, lastOffset), "last");
        }
        queries.put(new ListingQuery(ListingQuery.Order.NEWEST, folder(7), 0, pageSize), "first");
        for (int i = 0; i < WARM_UP; i++)
          for (ListingQuery q : queries.keySet()) search.list(q); // JIT, page cache
        List<Row> rows = new ArrayList<>();
        for (var q : queries.entrySet()) rows.add(time(search, q.getKey(), q.getValue()));
        out.put("rows", rows);
      }
    } finally {
      if (temporary) IOUtils.rm(dir);
    }
    System.out.println(JsonOut.line(out));
    return 0;
  }

  /** The page at {@code offset} asked by cursor, as a client paging with next would ask it. */
  private ListingQuery afterPageAt(SimilaritySearch search, ListingQuery.Order order, int offset)
      throws IOException {
    if (offset == 0) return ListingQuery.after(order, null, null, pageSize);
    ListingQuery before = new ListingQuery(order, null, offset - pageSize, pageSize);
    return ListingQuery.after(order, null, search.list(before).listing().next(), pageSize);
  }

  private Row time(SimilaritySearch search, ListingQuery query, String page) throws IOException {
    SimilaritySearch.Page result = null;
    long[] nanos = new long[queries];
    for (int i = 0; i < queries; i++) {
      long t0 = System.nanoTime();
      result = search.list(query);
      nanos[i] = System.nanoTime() - t0;
    }
    Arrays.sort(nanos);
    Row row =
        new Row(
            query.order().label(),
            page,
            query.after() != null ? "cursor" : "offset",
            query.pathPrefix(),
            result.listing().total(),
            result.listing().images().size(),
            Percentiles.of(nanos, 50) / 1e6,
            Percentiles.of(nanos, 99) / 1e6);
    System.err.println("bench listing: " + JsonOut.line(row));
    return row;
  }

  static String folder(int f) {
    return "/synthetic/folder-" + String.format(Locale.ROOT, "%02d", f) + "/";
  }

  /**
   * Builds the index (or reuses one made by an earlier run with the same size); seconds, 0 when
   * reused.
   */
  private double build(Path dir) throws IOException {
    Path marker = dir.resolve("listing-bench-" + size + "x" + dims);
    if (Files.exists(marker)) {
      System.err.println("bench listing: reusing " + dir);
      return 0;
    }
    ModelInfo model = new ModelInfo("synthetic", "synthetic", dims, "synthetic-listing-" + size);
    long yearMs = 365L * 24 * 3600 * 1000;
    long t0 = System.nanoTime();
    try (ImageIndex writer = LuceneIndex.openWritable(dir, model, IndexConfig.DEFAULT)) {
      IntStream.range(0, size)
          .parallel()
          .forEach(
              i -> {
                SplittableRandom random = new SplittableRandom(42L * 1_000_003 + i);
                String path = folder(i % FOLDERS) + "img-" + i + ".jpg";
                float[] v = new float[dims];
                double norm = 0;
                for (int d = 0; d < dims; d++) {
                  v[d] = (float) (random.nextDouble() * 2 - 1);
                  norm += v[d] * v[d];
                }
                for (int d = 0; d < dims; d++) v[d] /= (float) Math.sqrt(norm);
                long mtime = 1_700_000_000_000L + random.nextLong(yearMs);
                try {
                  writer.upsert(
                      new ImageRecord(
                          ImageRecord.idFor(path),
                          path,
                          Long.toHexString(random.nextLong()),
                          1_000_000 + random.nextInt(9_000_000),
                          mtime,
                          4000,
                          3000,
                          "jpeg",
                          mtime),
                      v);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
      writer.commit();
    }
    Files.createFile(marker);
    return (System.nanoTime() - t0) / 1e9;
  }
}
