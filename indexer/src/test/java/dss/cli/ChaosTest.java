package dss.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dss.index.CommittedVectors;
import dss.index.ImageIndex;
import dss.index.lucene.LuceneIndex;
import dss.ingest.TestLibrary;
import dss.model.TestModels;
import dss.util.FolderWatch;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Indexing and serving together, under trouble, bounded to about a minute: a real indexer process
 * is killed with SIGKILL at random moments and restarted while a real server (another process,
 * reading the same index) answers a storm of decompression-heavy uploads and a health probe; then a
 * damaged copy of the index goes to `check`.
 *
 * <p>Checked: nothing committed is lost or duplicated across the kills; the health probe is
 * answered throughout (a liveness bound of a few seconds per request: not a speed target); every
 * upload gets 200 or a well-formed 503; the damage is detected. The health latency distribution is
 * printed (docs/benchmarks.md quotes a run).
 */
class ChaosTest {
  private static final int PHOTOS = 80;
  private static final int KILLS = 4;
  private static final long LIVENESS_MS = 5_000;

  @TempDir Path tmp;

  private Process startIndexer(Path lib, Path index) throws IOException {
    return new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "--add-modules",
            "jdk.incubator.vector",
            "--enable-native-access=ALL-UNNAMED",
            "-Ddss.root=" + TestModels.root(),
            "-cp",
            System.getProperty("java.class.path"),
            Main.class.getName(),
            "index",
            "--model",
            "test",
            "--index",
            index.toString(),
            "--commit-every",
            "5",
            "--decode-threads",
            "1",
            lib.toString())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(tmp.resolve("indexer.log").toFile()))
        .start();
  }

  /**
   * The paths of the latest commit (empty before the first), each read back with its vector and
   * found by a k-NN query with it (not only the stored records survive a kill).
   */
  private static Set<String> committed(Path index) throws IOException {
    if (!hasCommit(index)) return Set.of();
    try (ImageIndex read = LuceneIndex.openReadOnly(index)) {
      return CommittedVectors.assertSearchable(read).keySet();
    }
  }

  private static boolean hasCommit(Path index) throws IOException {
    if (!Files.isDirectory(index)) return false;
    try (Stream<Path> files = Files.list(index)) {
      return files.anyMatch(f -> f.getFileName().toString().startsWith("segments_"));
    }
  }

  /** A PNG that is small on the wire and large in memory: decode-heavy, like a hostile upload. */
  private static byte[] heavyPng(long seed) throws IOException {
    BufferedImage im = new BufferedImage(3000, 3000, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = im.createGraphics();
    Random r = new Random(seed);
    for (int i = 0; i < 20; i++) {
      g.setColor(new Color(r.nextInt(0x1000000)));
      g.fillRect(r.nextInt(3000), r.nextInt(3000), 1 + r.nextInt(1500), 1 + r.nextInt(1500));
    }
    g.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(im, "png", out);
    return out.toByteArray();
  }

  @Test
  void killsAnUploadStormAndDamageLoseNothingCommittedAndTheServerStaysUp() throws Exception {
    Path lib = tmp.resolve("lib");
    Path index = tmp.resolve("index");
    for (int i = 0; i < PHOTOS; i++)
      TestLibrary.image(lib.resolve("d" + i % 4 + "/p" + i + ".jpg"), i, 640, 480, "jpg");
    byte[][] heavy = {heavyPng(1), heavyPng(2)};

    Process indexer =
        startIndexer(lib, index); // the writer: the server (--read-only) reads the index beside it
    try (FolderWatch watch =
        new FolderWatch(index).stopOn(indexer.onExit())) { // woken by the commit's files
      assertTrue(
          watch
              .await(() -> committed(index).isEmpty() ? null : true, Duration.ofSeconds(120))
              .isPresent(),
          "no first commit: see indexer.log");
    }
    List<Long> healthMs = Collections.synchronizedList(new ArrayList<>());
    Set<Integer> stormStatuses = ConcurrentHashMap.newKeySet();
    List<String> problems = Collections.synchronizedList(new ArrayList<>());
    AtomicBoolean running = new AtomicBoolean(true);
    try (ServeProcess server =
            ServeProcess.start(
                tmp.resolve("serve.log"),
                "--index",
                index.toString(),
                "--model",
                "test",
                "--port",
                "0",
                "--read-only");
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
      String url = new ObjectMapper().readTree(server.firstLine).get("url").asText();
      assertTrue(
          new ObjectMapper().readTree(server.firstLine).get("read_only").asBoolean(),
          server.firstLine);
      List<Thread> load = new ArrayList<>();
      // the health probe, 20 a second: a rate, so a schedule (not a wait for anything)
      ScheduledExecutorService probe =
          Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().factory());
      probe.scheduleWithFixedDelay(
          () -> {
            long t0 = System.nanoTime();
            try {
              HttpResponse<String> r =
                  http.send(
                      HttpRequest.newBuilder(URI.create(url + "api/health"))
                          .timeout(Duration.ofMillis(LIVENESS_MS))
                          .build(),
                      HttpResponse.BodyHandlers.ofString());
              if (r.statusCode() != 200) problems.add("health answered " + r.statusCode());
            } catch (Exception e) {
              problems.add("health: " + e);
            }
            healthMs.add((System.nanoTime() - t0) / 1_000_000);
          },
          0,
          50,
          TimeUnit.MILLISECONDS);
      for (int t = 0; t < 3; t++) {
        byte[] body = heavy[t % 2];
        load.add(
            Thread.ofPlatform()
                .start(
                    () -> { // the upload storm
                      while (running.get()) {
                        try {
                          HttpResponse<String> r =
                              http.send(
                                  HttpRequest.newBuilder(URI.create(url + "api/search?k=3"))
                                      .header("Content-Type", "image/png")
                                      .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                                      .build(),
                                  HttpResponse.BodyHandlers.ofString());
                          stormStatuses.add(r.statusCode());
                          if (r.statusCode() == 503
                              && r.headers().firstValue("Retry-After").isEmpty()) {
                            problems.add("503 without Retry-After");
                          }
                        } catch (Exception e) {
                          problems.add("upload: " + e);
                        }
                      }
                    }));
      }

      Random random = new Random(7);
      for (int kill = 0; kill < KILLS; kill++) {
        // A random moment, not an event: the kill must land anywhere in the indexer's work
        // (mid-decode, mid-write, mid-commit), which no event of the child's can pick for us.
        Thread.sleep(300 + random.nextInt(1200));
        Set<String> before = committed(index);
        indexer.destroyForcibly().waitFor(); // SIGKILL: no shutdown hook, no close, no last commit
        Set<String> after = committed(index);
        assertTrue(after.containsAll(before), "a kill lost committed documents");
        indexer = startIndexer(lib, index);
      }
      assertEquals(0, indexer.waitFor(), "the last indexer run finishes: see indexer.log");
      running.set(false);
      probe.shutdown();
      assertTrue(probe.awaitTermination(1, TimeUnit.MINUTES));
      for (Thread t : load) t.join();
    } finally {
      indexer.destroyForcibly();
    }

    assertEquals(PHOTOS, committed(index).size(), "every photo exactly once after the resumed run");
    assertEquals(List.of(), problems);
    assertTrue(
        stormStatuses.stream().allMatch(s -> s == 200 || s == 503),
        "upload statuses: " + stormStatuses);
    List<Long> sorted = new ArrayList<>(healthMs);
    Collections.sort(sorted);
    assertTrue(sorted.size() > 10 && sorted.getLast() < LIVENESS_MS, "health latencies: " + sorted);
    System.out.printf(
        Locale.ROOT,
        "chaos: %d health probes under the storm: p50 %d ms, p99 %d ms, max %d ms; uploads answered %s%n",
        sorted.size(),
        sorted.get(sorted.size() / 2),
        sorted.get((int) (sorted.size() * 0.99)),
        sorted.getLast(),
        stormStatuses);

    // A damaged copy: check finds it, the original stays healthy
    Path copy = tmp.resolve("damaged");
    Files.createDirectories(copy);
    try (Stream<Path> files = Files.list(index)) {
      for (Path f : files.filter(f -> !f.getFileName().toString().equals("write.lock")).toList()) {
        Files.copy(f, copy.resolve(f.getFileName()));
      }
    }
    Path vec;
    try (Stream<Path> files = Files.list(copy)) {
      vec = files.filter(f -> f.toString().endsWith(".vec")).findFirst().orElseThrow();
    }
    try (RandomAccessFile f = new RandomAccessFile(vec.toFile(), "rw")) {
      f.seek(f.length() / 2);
      f.write(new byte[16]);
      f.seek(f.length() / 2 + 100);
      f.write(new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
    }
    CliRun damaged = CliRun.of("check", "--index", copy.toString());
    assertEquals(1, damaged.status(), damaged.out() + damaged.err());
    assertEquals(0, CliRun.of("check", "--index", index.toString()).status());
  }
}
