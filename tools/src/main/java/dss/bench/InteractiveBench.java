package dss.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dss.cli.JsonOut;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * What a person at the page feels on a running server (bench/interactive.sh starts the servers):
 * {@code uploads} sends upload searches one after another and reports their latency and the
 * server's split of it ({@code --while-indexing}: only those answered while the server's background
 * indexing runs; otherwise it first waits for indexing to finish); {@code thumbnails} asks for the
 * first page of the library's thumbnails at a concurrency, optionally while other clients keep
 * uploading, and reports latency and every status that was not 200.
 */
@Command(
    name = "interactive",
    header = "Measure uploads and thumbnails on a running server, during indexing or idle.",
    description = "Interactive latency against a running server (see bench/interactive.sh).")
public final class InteractiveBench implements Callable<Integer> {
  @Option(names = "--url", defaultValue = "http://127.0.0.1:8080", description = "Server.")
  String url;

  @Option(
      names = "--measure",
      required = true,
      description = "uploads or thumbnails.",
      paramLabel = "WHAT")
  String measure;

  @Option(names = "--image", description = "Query image for the uploads.")
  Path image;

  @Option(names = "--uploads", defaultValue = "20", description = "Upload searches to time.")
  int uploads;

  @Option(
      names = "--while-indexing",
      description = "Time only the uploads answered while background indexing runs.")
  boolean whileIndexing;

  @Option(
      names = "--pause-ms",
      defaultValue = "1000",
      description =
          "Pause between two uploads: a person looks at the results before the next (0: back to back,"
              + " the worst case for the wait behind bulk work). Default: ${DEFAULT-VALUE}.")
  long pauseMs;

  @Option(names = "--thumbnails", defaultValue = "60", description = "Thumbnails to ask for.")
  int thumbnails;

  @Option(names = "--concurrency", defaultValue = "12", description = "Thumbnail requests at once.")
  int concurrency;

  @Option(
      names = "--upload-storm",
      defaultValue = "0",
      description = "Clients uploading without pause while the thumbnails are fetched.")
  int uploadStorm;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  /** Latency percentiles (ms) and, for uploads, the medians of the server's timings. */
  record Uploads(
      String phase,
      int uploads,
      long pauseMs,
      double p50Ms,
      double p99Ms,
      Map<String, Double> medianTimingsMs,
      int indexedWhenStarted,
      int indexedWhenEnded) {}

  record Thumbnails(
      int requested,
      int concurrency,
      int uploadStorm,
      int ok,
      Map<Integer, Integer> otherStatuses,
      double p50Ms,
      double p99Ms,
      int stormUploads) {}

  @Override
  public Integer call() throws Exception {
    Object result =
        switch (measure) {
          case "uploads" -> uploads();
          case "thumbnails" -> thumbnails();
          default ->
              throw new dss.cli.UsageError(
                  "--measure must be uploads or thumbnails, not '" + measure + "'");
        };
    spec.commandLine().getOut().println(JsonOut.line(result));
    return 0;
  }

  private Uploads uploads() throws Exception {
    byte[] bytes = queryImage();
    if (whileIndexing) {
      while (!indexingRunning()) Thread.sleep(100); // the server starts its run after it listens
    } else {
      while (indexingRunning()) Thread.sleep(500);
    }
    int before = indexedImages();
    List<Long> latencies = new ArrayList<>();
    Map<String, List<Double>> timings = new TreeMap<>();
    while (latencies.size() < uploads) {
      if (!latencies.isEmpty()) Thread.sleep(pauseMs);
      long start = System.nanoTime();
      JsonNode answer = upload(bytes, "POST /api/search");
      long took = System.nanoTime() - start;
      if (whileIndexing && !indexingRunning()) break; // answered after the run ended: not counted
      latencies.add(took);
      answer
          .get("timings")
          .properties()
          .forEach(
              e ->
                  timings
                      .computeIfAbsent(e.getKey(), k -> new ArrayList<>())
                      .add(e.getValue().asDouble()));
    }
    if (latencies.isEmpty()) {
      throw new IllegalStateException(
          "indexing ended before the first upload was answered: use a larger library");
    }
    Map<String, Double> medians = new TreeMap<>();
    timings.forEach((k, v) -> medians.put(k, median(v)));
    long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
    return new Uploads(
        whileIndexing ? "during background indexing" : "idle",
        sorted.length,
        pauseMs,
        Percentiles.of(sorted, 50) / 1e6,
        Percentiles.of(sorted, 99) / 1e6,
        medians,
        before,
        indexedImages());
  }

  private Thumbnails thumbnails() throws Exception {
    JsonNode page = get("/api/images?sort=newest&page_size=" + thumbnails);
    List<String> ids = new ArrayList<>();
    page.get("images").forEach(i -> ids.add(i.get("id").asText()));
    if (ids.size() < thumbnails) {
      throw new IllegalStateException(
          "the library has " + ids.size() + " images; asked for " + thumbnails + " thumbnails");
    }
    AtomicBoolean storming = new AtomicBoolean(uploadStorm > 0);
    ExecutorService storm = Executors.newFixedThreadPool(Math.max(1, uploadStorm));
    List<Future<Integer>> stormers = new ArrayList<>();
    byte[] bytes = uploadStorm > 0 ? queryImage() : null;
    for (int i = 0; i < uploadStorm; i++) {
      stormers.add(
          storm.submit(
              () -> {
                int sent = 0;
                while (storming.get()) {
                  send(upload(bytes));
                  sent++;
                }
                return sent;
              }));
    }
    if (uploadStorm > 0) Thread.sleep(1000); // the storm is under way before the first thumbnail
    ExecutorService pool = Executors.newFixedThreadPool(concurrency);
    List<Future<long[]>> answers = new ArrayList<>();
    for (String id : ids) {
      answers.add(
          pool.submit(
              () -> {
                long start = System.nanoTime();
                int status =
                    send(HttpRequest.newBuilder(
                                URI.create(url + "/api/images/" + id + "/thumbnail?size=256"))
                            .GET())
                        .statusCode();
                return new long[] {status, System.nanoTime() - start};
              }));
    }
    int ok = 0;
    Map<Integer, Integer> other = new TreeMap<>();
    long[] latencies = new long[answers.size()];
    for (int i = 0; i < answers.size(); i++) {
      long[] a = answers.get(i).get();
      latencies[i] = a[1];
      if (a[0] == 200) ok++;
      else other.merge((int) a[0], 1, Integer::sum);
    }
    pool.shutdown();
    storming.set(false);
    int stormUploads = 0;
    for (Future<Integer> f : stormers) stormUploads += f.get();
    storm.shutdown();
    Arrays.sort(latencies);
    return new Thumbnails(
        ids.size(),
        concurrency,
        uploadStorm,
        ok,
        other,
        Percentiles.of(latencies, 50) / 1e6,
        Percentiles.of(latencies, 99) / 1e6,
        stormUploads);
  }

  private byte[] queryImage() throws Exception {
    if (image == null) throw new dss.cli.UsageError("--image is needed for uploads");
    return Files.readAllBytes(image);
  }

  private boolean indexingRunning() throws Exception {
    JsonNode indexing = get("/api/stats").get("indexing");
    if (indexing == null || indexing.isNull()) {
      throw new IllegalStateException(url + " indexes no --library folders");
    }
    return indexing.get("running").asBoolean();
  }

  private int indexedImages() throws Exception {
    return get("/api/stats").get("images").asInt();
  }

  private JsonNode get(String path) throws Exception {
    return answer(send(HttpRequest.newBuilder(URI.create(url + path)).GET()), path);
  }

  private JsonNode upload(byte[] jpeg, String what) throws Exception {
    return answer(send(upload(jpeg)), what);
  }

  /** An upload search with the image as a raw JPEG body. */
  private HttpRequest.Builder upload(byte[] jpeg) {
    return HttpRequest.newBuilder(URI.create(url + "/api/search?k=10"))
        .header("Content-Type", "image/jpeg")
        .POST(HttpRequest.BodyPublishers.ofByteArray(jpeg));
  }

  private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return http.send(
        request.timeout(Duration.ofSeconds(120)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode answer(HttpResponse<String> response, String path) throws Exception {
    if (response.statusCode() != 200) {
      throw new IllegalStateException(
          String.format(
              Locale.ROOT, "%s answered %d: %s", path, response.statusCode(), response.body()));
    }
    return JSON.readTree(response.body());
  }

  private static double median(List<Double> values) {
    double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }
}
