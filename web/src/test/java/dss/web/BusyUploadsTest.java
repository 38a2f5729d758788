package dss.web;

import static dss.web.TestClient.assertError;
import static dss.web.TestClient.json;
import static dss.web.TestServer.multipart;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Back-pressure on decoding: uploads are decoded on a bounded pool (N workers, 2N waiting places);
 * a request that finds it full is answered at once with 503, Retry-After and the JSON error,
 * instead of queueing memory, while requests that need no decoding ({@code /api/health}, searches
 * by id) keep answering. (Thumbnails have their own queue, which waits: {@link
 * ThumbnailQueueTest}.)
 *
 * <p>Deterministic: the server gets a single decode worker (so 1 decoding + 2 waiting, whatever the
 * machine), and the burst is of 16 MP PNGs, each taking hundreds of milliseconds to decode, sent
 * all at once: the pool is full long before the first decode ends.
 */
class BusyUploadsTest {
  static final int DECODE_THREADS = 1;
  static final int POOL = DECODE_THREADS + 2 * DECODE_THREADS; // decoding + waiting
  static final int BURST = 16;

  @TempDir static Path tmp;
  static TestServer s;

  @BeforeAll
  static void start() throws Exception {
    s = TestServer.start(tmp, null, SearchServer.Options.DEFAULT_MAX_UPLOAD, DECODE_THREADS);
  }

  @AfterAll
  static void stop() throws Exception {
    s.close();
  }

  @Test
  void aBurstBeyondTheDecodePoolGets503sWhileHealthAnswers() throws Exception {
    int images = json(s.get("/api/health")).get("images").asInt(); // the other test adds some
    TestServer.Multipart form = multipart("image", heavyPng(4000));
    assertTrue(
        form.body().length < SearchServer.Options.DEFAULT_MAX_UPLOAD,
        "the test image is under the limit");
    HttpRequest upload =
        HttpRequest.newBuilder(s.uri("/api/search?k=3"))
            .header("Content-Type", form.contentType())
            .POST(HttpRequest.BodyPublishers.ofByteArray(form.body()))
            .build();
    List<CompletableFuture<HttpResponse<byte[]>>> pending = new ArrayList<>();
    for (int i = 0; i < BURST; i++)
      pending.add(s.http.sendAsync(upload, HttpResponse.BodyHandlers.ofByteArray()));

    // The first refusal means the pool is full: the server still answers what needs no decoding, at
    // once, while the accepted uploads are still being decoded
    CompletableFuture<HttpResponse<byte[]>> firstBusy = new CompletableFuture<>();
    pending.forEach(
        p ->
            p.thenAccept(
                r -> {
                  if (r.statusCode() == 503) firstBusy.complete(r);
                }));
    CompletableFuture.anyOf(
            firstBusy, CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)))
        .join();
    assertTrue(firstBusy.isDone(), "no upload of the burst was refused: " + statuses(pending));
    for (int i = 0; i < 3; i++) {
      HttpResponse<byte[]> health = s.get("/api/health");
      assertEquals(200, health.statusCode(), new String(health.body(), StandardCharsets.UTF_8));
      assertEquals("ok", json(health).get("status").asText());
      assertEquals(images, json(health).get("images").asInt());
      HttpResponse<byte[]> byId = s.get("/api/search?k=1&id=" + s.id("scene-3"));
      assertEquals(200, byId.statusCode(), new String(byId.body(), StandardCharsets.UTF_8));
      assertEquals(s.id("scene-3"), json(byId).get("results").get(0).get("id").asText());
    }
    assertTrue(
        pending.stream().anyMatch(p -> !p.isDone()),
        "the accepted uploads had all been answered before the checks: " + statuses(pending));

    // Every answer is a result or a well-formed refusal; the pool's worth of uploads got through
    int ok = 0, busy = 0;
    for (CompletableFuture<HttpResponse<byte[]>> p : pending) {
      HttpResponse<byte[]> response = p.join();
      if (response.statusCode() == 503) {
        busy++;
        assertError(response, 503, "busy");
        String retryAfter = response.headers().firstValue("Retry-After").orElse("none");
        assertTrue(
            retryAfter.matches("[1-9][0-9]*"), "Retry-After of a 503 (seconds): " + retryAfter);
      } else {
        assertEquals(
            200, response.statusCode(), new String(response.body(), StandardCharsets.UTF_8));
        JsonNode results = json(response).get("results");
        assertEquals(3, results.size(), results.toString());
        ok++;
      }
    }
    assertTrue(busy >= 1, "refused: " + busy);
    assertTrue(ok >= POOL, "accepted " + ok + ", the pool holds " + POOL);
    assertEquals(BURST, ok + busy);

    // The refusals are counted, and the server is not wedged: the pool is free again
    String metrics = new String(s.get("/metrics").body(), StandardCharsets.UTF_8);
    assertTrue(
        metrics.matches(
            "(?s).*\ndss_http_requests_total\\{method=\"POST\",route=\"/api/search\",status=\"503\"} "
                + busy
                + "(\\.0)?\n.*"),
        metrics);
    HttpResponse<byte[]> after = s.post("/api/search?k=1", multipart("image", s.bytes("scene-2")));
    assertEquals(200, after.statusCode(), new String(after.body(), StandardCharsets.UTF_8));
    assertEquals(s.id("scene-2"), json(after).get("results").get(0).get("id").asText());
  }

  /**
   * A side x side PNG of smooth gradients: about 1.4 MB for 4000, but 16 MP to inflate, filter and
   * resize.
   */
  private static byte[] heavyPng(int side) {
    return heavyPng(side, Color.ORANGE);
  }

  static byte[] heavyPng(int side, Color from) {
    BufferedImage image = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setPaint(new GradientPaint(0, 0, from, side, side, Color.BLUE));
    g.fillRect(0, 0, side, side);
    g.dispose();
    return TestImages.encode(image, "png");
  }

  private static List<Integer> statuses(List<CompletableFuture<HttpResponse<byte[]>>> pending) {
    return pending.stream().map(p -> p.isDone() ? p.join().statusCode() : 0).toList();
  }
}
