package dss.web;

import static dss.web.TestClient.assertError;
import static dss.web.TestServer.multipart;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dss.index.ImageRecord;
import dss.ingest.LibraryIndexer;
import java.awt.Color;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Thumbnails made on demand queue on their own and wait for a worker instead of being refused: a
 * cold first page of 60, fetched 12 at a time as a browser does, gets 60 thumbnails, also while a
 * storm of uploads keeps the uploads' decode pool full; concurrent requests for one file share one
 * decode; only a queue made tiny (through the server's options) refuses, with a 503 and
 * Retry-After, and serves the refused thumbnail when asked again.
 */
class ThumbnailQueueTest {
  static final int PAGE = 60;
  static final int AT_A_TIME = 12;

  @RegisterExtension final TestServers servers = new TestServers();
  @TempDir Path tmp;

  @Test
  void aColdFirstPageOf60Fetched12AtATimeGets60Thumbnails() throws Exception {
    TestServer s = servers.builder(tmp).start();
    List<String> ids = indexPage(s, tmp.resolve("page"));
    assertTrue(isEmpty(s.thumbnailDir), "the cache starts cold");
    List<HttpResponse<byte[]>> answers = fetch(s, urls(ids, 256));
    assertAllThumbnails(answers);
    try (Stream<Path> made = Files.list(s.thumbnailDir)) {
      assertEquals(PAGE, made.filter(f -> f.toString().endsWith("-256.jpg")).count());
    }
  }

  @Test
  void alsoWhileAnUploadStormKeepsTheUploadPoolFull() throws Exception {
    TestServer s = servers.builder(tmp).decodeThreads(1).start();
    List<String> ids = indexPage(s, tmp.resolve("page"));
    assertTrue(isEmpty(s.thumbnailDir), "the cache starts cold");
    TestServer.Multipart form = multipart("image", BusyUploadsTest.heavyPng(3000, Color.ORANGE));
    HttpRequest upload =
        HttpRequest.newBuilder(s.uri("/api/search?k=3"))
            .header("Content-Type", form.contentType())
            .POST(HttpRequest.BodyPublishers.ofByteArray(form.body()))
            .build();

    // 8 clients upload heavy photos in a loop; the first 503 says the uploads' pool is full
    AtomicBoolean stop = new AtomicBoolean();
    ConcurrentLinkedQueue<Integer> uploadStatuses = new ConcurrentLinkedQueue<>();
    CompletableFuture<Void> uploadPoolFull = new CompletableFuture<>();
    ExecutorService storm = Executors.newVirtualThreadPerTaskExecutor();
    List<Future<?>> clients = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      clients.add(
          storm.submit(
              () -> {
                while (!stop.get()) {
                  int status =
                      s.http.send(upload, HttpResponse.BodyHandlers.ofByteArray()).statusCode();
                  uploadStatuses.add(status);
                  if (status == 503) uploadPoolFull.complete(null);
                }
                return null;
              }));
    }
    List<HttpResponse<byte[]>> answers;
    int uploadsBefore;
    try {
      uploadPoolFull.get(
          TestServer.EVENT_TIMEOUT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
      uploadsBefore = uploadStatuses.size();
      answers = fetch(s, urls(ids, 256));
    } finally {
      stop.set(true);
      for (Future<?> c : clients) c.get();
      storm.close();
    }
    assertTrue(
        uploadStatuses.size() > uploadsBefore,
        "the storm went on while the thumbnails were fetched");
    assertTrue(
        uploadStatuses.stream().allMatch(st -> st == 200 || st == 503), uploadStatuses.toString());
    assertAllThumbnails(answers);
  }

  @Test
  void concurrentRequestsForOneFileShareOneDecode() throws Exception {
    // One worker and no waiting place: a second decode at the same time would be refused, a shared
    // one is not
    TestServer s =
        servers.builder(tmp).thumbnails(new SearchServer.Thumbnails(1, 0, Duration.ZERO)).start();
    String id = indexHeavy(s, tmp.resolve("heavy"), 1).get(0);
    List<HttpResponse<byte[]>> answers =
        fetch(
            s,
            java.util.Collections.nCopies(AT_A_TIME, "/api/images/" + id + "/thumbnail?size=1024"));
    assertAllThumbnails(answers);
  }

  @Test
  void aTinyQueueRefusesAtItsDeadlineWithRetryAfterAndServesWhenAskedAgain() throws Exception {
    TestServer s =
        servers.builder(tmp).thumbnails(new SearchServer.Thumbnails(1, 0, Duration.ZERO)).start();
    List<String> urls = urls(indexHeavy(s, tmp.resolve("heavy"), 6), 1024);
    List<HttpResponse<byte[]>> answers = fetch(s, urls);
    int busy = 0;
    for (int i = 0; i < urls.size(); i++) {
      HttpResponse<byte[]> answer = answers.get(i);
      if (answer.statusCode() == 503) {
        busy++;
        assertError(answer, 503, "busy");
        String retryAfter = answer.headers().firstValue("Retry-After").orElse("none");
        assertTrue(
            retryAfter.matches("[1-9][0-9]*"), "Retry-After of a 503 (seconds): " + retryAfter);
        answer = s.get(urls.get(i)); // alone now: served
      }
      assertEquals(
          200,
          answer.statusCode(),
          urls.get(i) + ": " + new String(answer.body(), StandardCharsets.UTF_8));
    }
    assertTrue(
        busy >= 1, "a queue of one refused nothing of " + urls.size() + " concurrent requests");
  }

  @Test
  void aQueueThatWaitsServesABurstBeyondItsWorkers() throws Exception {
    // The same single worker, but room to wait: the burst that a queue of one refuses is served in
    // turn
    TestServer s =
        servers
            .builder(tmp)
            .thumbnails(new SearchServer.Thumbnails(1, 16, Duration.ofSeconds(120)))
            .start();
    assertAllThumbnails(fetch(s, urls(indexHeavy(s, tmp.resolve("heavy"), 6), 1024)));
  }

  /**
   * 60 photos of 1024 x 768, half JPEG and half PNG, indexed by the server's own pipeline; their
   * ids.
   */
  private static List<String> indexPage(TestServer s, Path folder) throws Exception {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < PAGE; i++) {
      String format = i % 2 == 0 ? "jpeg" : "png";
      Path file =
          TestImages.write(
              folder.resolve("photo-" + i + (i % 2 == 0 ? ".jpg" : ".png")),
              TestImages.encode(TestImages.scene(100 + i, 1024, 768), format));
      ids.add(ImageRecord.idFor(file.toAbsolutePath().normalize().toString()));
    }
    index(s, folder, PAGE);
    return ids;
  }

  /** {@code count} 2000 x 2000 PNGs (each a noticeable decode); their ids. */
  private static List<String> indexHeavy(TestServer s, Path folder, int count) throws Exception {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Path file =
          TestImages.write(
              folder.resolve("heavy-" + i + ".png"),
              BusyUploadsTest.heavyPng(2000, new Color(40 * i, 255 - 40 * i, 90)));
      ids.add(ImageRecord.idFor(file.toAbsolutePath().normalize().toString()));
    }
    index(s, folder, count);
    return ids;
  }

  private static void index(TestServer s, Path folder, int expected) throws Exception {
    var indexed =
        new LibraryIndexer(s.index, s.ingest, LibraryIndexer.Options.defaults(List.of(folder)))
            .run(
                f -> {
                  throw new AssertionError("not indexed: " + f);
                });
    assertEquals(expected, indexed.added(), indexed.toString());
  }

  private static List<String> urls(List<String> ids, int size) {
    return ids.stream().map(id -> "/api/images/" + id + "/thumbnail?size=" + size).toList();
  }

  /**
   * GETs every url, {@link #AT_A_TIME} at once (as a browser's page does), answers in the urls'
   * order.
   */
  private static List<HttpResponse<byte[]>> fetch(TestServer s, List<String> urls)
      throws Exception {
    try (ExecutorService clients = Executors.newFixedThreadPool(AT_A_TIME)) {
      List<Future<HttpResponse<byte[]>>> pending = new ArrayList<>();
      for (String url : urls) pending.add(clients.submit(() -> s.get(url)));
      List<HttpResponse<byte[]>> answers = new ArrayList<>();
      for (Future<HttpResponse<byte[]>> p : pending) answers.add(p.get());
      return answers;
    }
  }

  private static void assertAllThumbnails(List<HttpResponse<byte[]>> answers) {
    List<Integer> statuses = answers.stream().map(HttpResponse::statusCode).toList();
    assertEquals(
        answers.size(), statuses.stream().filter(st -> st == 200).count(), "statuses: " + statuses);
    for (HttpResponse<byte[]> a : answers) {
      assertEquals("image/jpeg", a.headers().firstValue("Content-Type").orElseThrow());
      assertTrue(
          a.body().length > 2 && (a.body()[0] & 0xff) == 0xff && (a.body()[1] & 0xff) == 0xd8,
          "a JPEG");
    }
  }

  private static boolean isEmpty(Path dir) throws Exception {
    if (!Files.isDirectory(dir)) return true;
    try (Stream<Path> files = Files.list(dir)) {
      return files.findAny().isEmpty();
    }
  }
}
