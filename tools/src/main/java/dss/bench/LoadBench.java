package dss.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dss.cli.JsonOut;
import dss.cli.ModelOptions;
import dss.cli.UsageError;
import dss.index.ImageIndex;
import dss.index.ImageRecord;
import dss.index.IndexConfig;
import dss.index.lucene.LuceneIndex;
import dss.model.Embedder;
import dss.model.ModelInfo;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Load on a running server: searches by id and by upload at increasing concurrency, each client a
 * thread sending one request after another for a fixed time. Prints throughput, p50/p99 latency
 * and, for uploads, the server's own split of the time into decode, model and search. {@code
 * --make-index} first writes a synthetic index (clustered unit vectors with the test model's
 * dimensions, straight through LibraryIndex: no image decoding) to serve with {@code --model test}.
 * bench/load.sh runs the whole thing with wrk as the peer.
 */
@Command(
    name = "load",
    header = "Measure a running server under concurrent clients.",
    description = "Load benchmark against a running server (see bench/load.sh).")
public final class LoadBench implements Callable<Integer> {
  @Option(
      names = "--url",
      defaultValue = "http://127.0.0.1:8080",
      description = "Server (default: ${DEFAULT-VALUE}).")
  String url;

  @Option(
      names = "--clients",
      split = ",",
      defaultValue = "1,4,16,64",
      description = "Concurrency levels.")
  List<Integer> clients;

  @Option(
      names = "--seconds",
      defaultValue = "10",
      description = "Measured seconds per level and kind.")
  int seconds;

  @Option(
      names = "--warmup",
      defaultValue = "3",
      description = "Unmeasured seconds before each level.")
  int warmup;

  @Option(
      names = "--image",
      description = "Query image for the upload searches (and to find ids to search by).")
  Path image;

  @Option(names = "--k", defaultValue = "20")
  int k;

  @Option(
      names = "--kinds",
      split = ",",
      defaultValue = "id,upload",
      description = "id and/or upload.")
  List<String> kinds;

  @Option(
      names = "--make-index",
      paramLabel = "DIR",
      description = "Write a synthetic index to DIR (added to an existing one), then exit.")
  Path makeIndex;

  @Option(
      names = "--count",
      defaultValue = "100000",
      description = "With --make-index: documents (0: none).")
  int count;

  @Option(
      names = "--merge",
      description = "With --make-index: then merge the index to one segment.")
  boolean merge;

  private static final ObjectMapper JSON = new ObjectMapper(); // reads the server's responses
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @Override
  public Integer call() throws Exception {
    if (makeIndex != null) return makeIndex();
    if (image == null) throw new UsageError("--image is needed (the query for upload searches)");
    byte[] imageBytes = Files.readAllBytes(image);
    Multipart upload = Multipart.of("image", imageBytes);
    List<String> ids = idsToQuery(upload);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("url", url);
    out.put("images", get("/api/health").get("images").asInt());
    out.put("query_ids", ids.size());
    List<Map<String, Object>> runs = new ArrayList<>();
    for (int c : clients) {
      for (String kind : kinds) {
        Request request =
            kind.equals("id")
                ? () ->
                    HttpRequest.newBuilder(
                            URI.create(
                                url
                                    + "/api/search?k="
                                    + k
                                    + "&id="
                                    + ids.get(ThreadLocalRandom.current().nextInt(ids.size()))))
                        .build()
                : () ->
                    HttpRequest.newBuilder(URI.create(url + "/api/search?k=" + k))
                        .header("Content-Type", upload.contentType())
                        .POST(HttpRequest.BodyPublishers.ofByteArray(upload.body()))
                        .build();
        run(request, c, warmup, false);
        Map<String, Object> result = run(request, c, seconds, kind.equals("upload"));
        result.put("kind", kind);
        result.put("clients", c);
        System.err.println("bench load: " + JsonOut.line(result));
        runs.add(result);
      }
    }
    out.put("runs", runs);
    System.out.println(JsonOut.line(out));
    return 0;
  }

  @FunctionalInterface
  private interface Request {
    HttpRequest next();
  }

  /**
   * {@code clients} threads, each sending requests back to back for {@code secs}; latencies in
   * nanoseconds.
   */
  private Map<String, Object> run(Request request, int clientCount, int secs, boolean split)
      throws Exception {
    long end = System.nanoTime() + secs * 1_000_000_000L;
    AtomicLong errors = new AtomicLong();
    double[] splitSums = new double[3];
    AtomicLong splitCount = new AtomicLong();
    List<Future<long[]>> futures = new ArrayList<>();
    long start = System.nanoTime();
    try (ExecutorService pool = Executors.newFixedThreadPool(clientCount)) {
      for (int c = 0; c < clientCount; c++) {
        futures.add(
            pool.submit(
                () -> {
                  long[] latencies = new long[1024];
                  int n = 0;
                  while (System.nanoTime() < end) {
                    long t0 = System.nanoTime();
                    HttpResponse<byte[]> response;
                    try {
                      response = http.send(request.next(), HttpResponse.BodyHandlers.ofByteArray());
                    } catch (java.io.IOException e) {
                      errors.incrementAndGet();
                      continue;
                    }
                    long t1 = System.nanoTime();
                    if (response.statusCode() != 200) {
                      errors.incrementAndGet();
                      continue;
                    }
                    if (n == latencies.length) latencies = Arrays.copyOf(latencies, n * 2);
                    latencies[n++] = t1 - t0;
                    if (split) {
                      JsonNode timings = JSON.readTree(response.body()).get("timings");
                      synchronized (splitSums) {
                        splitSums[0] += timings.get("decode_ms").asDouble();
                        splitSums[1] += timings.get("model_ms").asDouble();
                        splitSums[2] += timings.get("search_ms").asDouble();
                      }
                      splitCount.incrementAndGet();
                    }
                  }
                  return Arrays.copyOf(latencies, n);
                }));
      }
    }
    double elapsed = (System.nanoTime() - start) / 1e9;
    long[] all =
        futures.stream()
            .map(
                f -> {
                  try {
                    return f.get();
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                })
            .flatMapToLong(Arrays::stream)
            .sorted()
            .toArray();
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("requests", all.length);
    result.put("errors", errors.get());
    result.put("seconds", round(elapsed));
    result.put("rps", round(all.length / elapsed));
    result.put("p50_ms", all.length == 0 ? null : round(Percentiles.of(all, 50) / 1e6));
    result.put("p99_ms", all.length == 0 ? null : round(Percentiles.of(all, 99) / 1e6));
    if (split && splitCount.get() > 0) {
      long n = splitCount.get();
      result.put(
          "server_mean_ms",
          Map.of(
              "decode",
              round(splitSums[0] / n),
              "model",
              round(splitSums[1] / n),
              "search",
              round(splitSums[2] / n)));
    }
    return result;
  }

  /**
   * Ids to search by: the server's nearest images to the query image (any index works, no id list
   * needed).
   */
  private List<String> idsToQuery(Multipart upload) throws Exception {
    HttpResponse<byte[]> response =
        http.send(
            HttpRequest.newBuilder(URI.create(url + "/api/search?k=1000"))
                .header("Content-Type", upload.contentType())
                .POST(HttpRequest.BodyPublishers.ofByteArray(upload.body()))
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    if (response.statusCode() != 200) {
      throw new IllegalStateException(
          "search for query ids failed: " + new String(response.body(), StandardCharsets.UTF_8));
    }
    List<String> ids = new ArrayList<>();
    JSON.readTree(response.body()).get("results").forEach(r -> ids.add(r.get("id").asText()));
    if (ids.isEmpty()) throw new IllegalStateException("the index at " + url + " is empty");
    return ids;
  }

  private JsonNode get(String path) throws Exception {
    return JSON.readTree(
        http.send(
                HttpRequest.newBuilder(URI.create(url + path)).build(),
                HttpResponse.BodyHandlers.ofByteArray())
            .body());
  }

  /**
   * {@code count} documents whose vectors are unit vectors in clusters of 100 with uneven spread
   * around random centres (members at cosine 0.55-0.92 to each other, like embeddings of related
   * photos; purely random 1792-d vectors would be an unrealistically hard case for HNSW), written
   * by two threads.
   */
  private int makeIndex() throws Exception {
    ModelInfo model;
    try (Embedder embedder = Embedder.open(ModelOptions.models().testModel(), "cpu", 1, 1)) {
      model = embedder.info();
    }
    int dims = model.dimensions();
    int clusters = Math.max(10, count / 100);
    Random random = new Random(42);
    float[][] centres = new float[clusters][];
    for (int c = 0; c < clusters; c++) centres[c] = unit(gaussian(random, dims, 1f));
    long start = System.nanoTime();
    AtomicLong written = new AtomicLong();
    try (ImageIndex index = LuceneIndex.openWritable(makeIndex, model, IndexConfig.DEFAULT);
        ExecutorService writers = Executors.newFixedThreadPool(2)) {
      List<Future<?>> parts = new ArrayList<>();
      for (int t = 0; t < 2; t++) {
        int part = t;
        parts.add(
            writers.submit(
                () -> {
                  Random r = new Random(1000 + part);
                  for (int i = part; i < count; i += 2) {
                    int c = i % clusters;
                    // noise of norm 0.3..0.9 around a unit centre: members of a cluster at cosine
                    // 0.55..0.92 to each other
                    float[] v =
                        gaussian(r, dims, (0.3f + 0.15f * (c % 5)) / (float) Math.sqrt(dims));
                    for (int d = 0; d < dims; d++) v[d] += centres[c][d];
                    String path =
                        String.format(Locale.ROOT, "/synthetic/cluster-%05d/img-%07d.jpg", c, i);
                    index.upsert(
                        new ImageRecord(
                            ImageRecord.idFor(path),
                            path,
                            String.format(Locale.ROOT, "%064x", i),
                            2_000_000 + i,
                            1_700_000_000_000L,
                            4000,
                            3000,
                            "jpeg",
                            System.currentTimeMillis()),
                        unit(v));
                    long n = written.incrementAndGet();
                    if (n % 10_000 == 0) {
                      System.err.printf(
                          Locale.ROOT,
                          "bench load: %d/%d vectors, %.0f/s%n",
                          n,
                          count,
                          n / ((System.nanoTime() - start) / 1e9));
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> p : parts) p.get();
      index.commit();
      if (merge) {
        System.err.println("bench load: merging to one segment");
        index.optimize();
      }
    }
    double secs = (System.nanoTime() - start) / 1e9;
    System.out.println(
        JsonOut.line(
            Map.of(
                "index",
                makeIndex.toString(),
                "written",
                count,
                "merged",
                merge,
                "dimensions",
                dims,
                "model",
                model.name(),
                "seconds",
                round(secs))));
    return 0;
  }

  private static float[] gaussian(Random random, int dims, float sigma) {
    float[] v = new float[dims];
    for (int d = 0; d < dims; d++) v[d] = (float) random.nextGaussian() * sigma;
    return v;
  }

  private static float[] unit(float[] v) {
    double norm = 0;
    for (float x : v) norm += x * x;
    float inv = (float) (1 / Math.sqrt(norm));
    for (int d = 0; d < v.length; d++) v[d] *= inv;
    return v;
  }

  private static double round(double x) {
    return Math.round(x * 100) / 100.0;
  }

  /** A multipart/form-data body with one file field. */
  private record Multipart(String contentType, byte[] body) {
    static Multipart of(String field, byte[] bytes) {
      String boundary = "----dss-load-bench";
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.writeBytes(
          ("--"
                  + boundary
                  + "\r\nContent-Disposition: form-data; name=\""
                  + field
                  + "\"; filename=\"query\"\r\nContent-Type: application/octet-stream\r\n\r\n")
              .getBytes(StandardCharsets.UTF_8));
      out.writeBytes(bytes);
      out.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
      return new Multipart("multipart/form-data; boundary=" + boundary, out.toByteArray());
    }
  }
}
