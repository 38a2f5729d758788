package dss.web;

import static dss.web.TestServer.multipart;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hundreds of searches at once (by id and by upload, through the batching model stage): no errors,
 * right answers.
 *
 * <p>Uploads are decoded on a bounded pool (one worker per core and two waiting places per worker);
 * an upload that finds it full gets the documented back-pressure answer, 503 with Retry-After,
 * instead of queueing. So here a search by upload may first get that 503 (which must be
 * well-formed) and is then retried as the header says; every one of the 400 searches must end with
 * the right answer, and searches by id (no decoding) never get a 503.
 */
class ConcurrencyTest {
  @Test
  void hundredsOfParallelSearches(@TempDir Path tmp) throws Exception {
    try (TestServer s = TestServer.start(tmp, null, SearchServer.Options.DEFAULT_MAX_UPLOAD)) {
      List<String> names =
          List.copyOf(s.files.keySet()).stream()
              .filter(n -> !n.equals("scene-1-copy") && !n.equals("scene-1"))
              .toList(); // copies tie at distance 0
      List<String> expected = new ArrayList<>();
      List<HttpRequest> requests = new ArrayList<>();
      List<CompletableFuture<HttpResponse<byte[]>>> pending = new ArrayList<>();
      for (int i = 0; i < 400; i++) {
        String name = names.get(i % names.size());
        expected.add(s.id(name));
        HttpRequest request;
        if (isUpload(i)) { // one in eight by upload: these queue up for the model and run batched
          TestServer.Multipart form = multipart("image", s.bytes(name));
          request =
              HttpRequest.newBuilder(s.uri("/api/search?k=3"))
                  .header("Content-Type", form.contentType())
                  .POST(HttpRequest.BodyPublishers.ofByteArray(form.body()))
                  .build();
        } else {
          request = HttpRequest.newBuilder(s.uri("/api/search?k=3&id=" + s.id(name))).build();
        }
        requests.add(request);
        pending.add(s.http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray()));
      }
      List<HttpResponse<byte[]>> responses = new ArrayList<>();
      pending.forEach(p -> responses.add(p.join()));
      // Uploads told to come back: well-formed 503s; retried after the burst. No need to wait out
      // Retry-After: every request of the burst has been answered, so the decode pool is idle,
      // which is what the wait is for.
      List<Integer> busy = new ArrayList<>();
      for (int i = 0; i < responses.size(); i++) {
        if (responses.get(i).statusCode() == 503 && isUpload(i)) {
          busy.add(i);
          retryAfterSeconds(responses.get(i));
        }
      }
      for (int attempt = 0; attempt < 5 && !busy.isEmpty(); attempt++) {
        List<Integer> again = new ArrayList<>();
        for (int i : busy) { // one at a time: the decode pool is free again
          HttpResponse<byte[]> response =
              s.http.send(requests.get(i), HttpResponse.BodyHandlers.ofByteArray());
          responses.set(i, response);
          if (response.statusCode() == 503) {
            again.add(i);
            retryAfterSeconds(response);
          }
        }
        busy = again;
      }
      for (int i = 0; i < responses.size(); i++) {
        HttpResponse<byte[]> response = responses.get(i);
        assertEquals(
            200,
            response.statusCode(),
            "request " + i + ": " + new String(response.body(), StandardCharsets.UTF_8));
        JsonNode first = TestServer.json(response).get("results").get(0);
        assertEquals(expected.get(i), first.get("id").asText(), "request " + i);
        assertEquals(0, first.get("distance").asDouble(), 1e-3, "request " + i);
      }
    }
  }

  private static boolean isUpload(int i) {
    return i % 8 == 0;
  }

  /**
   * The back-pressure contract: a JSON 503 saying the server is busy, with Retry-After in seconds.
   */
  private static int retryAfterSeconds(HttpResponse<byte[]> response) throws Exception {
    TestClient.assertError(response, 503, "busy");
    String retryAfter = response.headers().firstValue("Retry-After").orElse(null);
    assertNotNull(retryAfter, "503 without Retry-After");
    int seconds = Integer.parseInt(retryAfter);
    assertTrue(seconds >= 1 && seconds <= 60, "Retry-After: " + retryAfter);
    return seconds;
  }
}
