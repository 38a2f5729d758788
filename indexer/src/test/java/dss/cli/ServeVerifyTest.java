package dss.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dss.index.lucene.LuceneIndex;
import java.io.RandomAccessFile;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A damaged index is never served silently, whatever its size: a real 300-image index (the test
 * model's 1792-d vectors: a {@code .vec} over the 1 MiB the fast check reads whole) with 16 bytes
 * flipped in the middle of its vectors passes {@code check --fast}, and a real {@code serve}
 * process on it says so in health (503 naming the file), refuses searches by id and listings (503
 * with the recovery) and writes. The same index undamaged is served verified.
 */
class ServeVerifyTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOKEN = "verify-token";

  @TempDir Path tmp;

  @Test
  void flippedBytesInTheVectorsStopSearchesAndHealthNamesTheDamage() throws Exception {
    Path lib = tmp.resolve("lib");
    for (int i = 0; i < 300; i++) IndexCommandTest.image(lib.resolve("p" + i + ".png"), 1000 + i);
    Path index = tmp.resolve("index");
    CliRun indexed =
        CliRun.of("index", "--index", index.toString(), "--model", "test", lib.toString());
    assertEquals(0, indexed.status(), indexed.err());
    Path vec;
    try (Stream<Path> files = Files.list(index)) {
      vec =
          files
              .filter(f -> f.getFileName().toString().endsWith(".vec"))
              .max((a, b) -> Long.compare(a.toFile().length(), b.toFile().length()))
              .orElseThrow();
    }
    long length = Files.size(vec);
    assertTrue(length > 1 << 20, "larger than the fast check reads whole: " + length);
    String anId;
    try (var opened = LuceneIndex.openReadOnly(index);
        var snapshot = opened.snapshot()) {
      anId = snapshot.record(0).id();
    }

    // undamaged: served, verified
    try (ServeProcess serve = serve(index, "healthy.log")) {
      JsonNode health = awaitVerification(url(serve));
      assertEquals("passed", health.get("verification").asText(), health.toString());
      assertTrue(health.get("verified").asBoolean());
      assertEquals(300, health.get("images").asInt());
    }

    try (RandomAccessFile f = new RandomAccessFile(vec.toFile(), "rw")) {
      for (long at = length / 2; at < length / 2 + 16; at++) {
        f.seek(at);
        int b = f.read();
        f.seek(at);
        f.write(b ^ 0xFF);
      }
    }
    CliRun fast = CliRun.of("check", "--index", index.toString(), "--fast");
    assertEquals(0, fast.status(), "the fast check reads only the footer: " + fast.out());

    try (ServeProcess serve = serve(index, "damaged.log")) {
      String url = url(serve);
      JsonNode health = awaitVerification(url);
      assertEquals("failed", health.get("verification").asText(), health.toString());
      HttpResponse<String> h = request(url + "api/health", "GET", null);
      assertEquals(503, h.statusCode(), h.body());
      JsonNode damage = JSON.readTree(h.body()).get("damage").get(0);
      assertEquals(vec.getFileName().toString(), damage.get("part").asText(), h.body());
      assertTrue(damage.get("problem").asText().contains("checksum failed"), h.body());

      for (String route : new String[] {"api/search?id=" + anId + "&k=5", "api/images"}) {
        HttpResponse<String> r = request(url + route, "GET", null);
        assertEquals(503, r.statusCode(), route + ": " + r.body());
        String message = JSON.readTree(r.body()).get("error").get("message").asText();
        assertTrue(message.contains(vec.getFileName().toString()), message);
        assertTrue(message.contains("re-index from the library"), message);
      }
      HttpResponse<String> delete = request(url + "api/images/" + anId, "DELETE", TOKEN);
      assertEquals(503, delete.statusCode(), delete.body());
      assertTrue(serve.log().contains(vec.getFileName().toString()), serve.log());
    }
  }

  private ServeProcess serve(Path index, String log) throws Exception {
    ServeProcess serve =
        ServeProcess.start(
            tmp.resolve(log),
            "--index",
            index.toString(),
            "--model",
            "test",
            "--port",
            "0",
            "--token",
            TOKEN);
    assertTrue(
        serve.firstLine != null && serve.firstLine.startsWith("{\"url\""),
        serve.firstLine + serve.log());
    return serve;
  }

  private static String url(ServeProcess serve) throws Exception {
    return JSON.readTree(serve.firstLine).get("url").asText();
  }

  /**
   * Health once the first verification pass has ended (serve waits a few seconds for it before it
   * listens; on a loaded machine it may still be running).
   */
  private static JsonNode awaitVerification(String url) throws Exception {
    long deadline = System.nanoTime() + 120_000_000_000L;
    while (true) {
      JsonNode health = JSON.readTree(request(url + "api/health", "GET", null).body());
      if (!"pending".equals(health.path("verification").asText()) || System.nanoTime() > deadline)
        return health;
      Thread.sleep(200);
    }
  }

  private static HttpResponse<String> request(String url, String method, String token)
      throws Exception {
    try (HttpClient http = HttpClient.newHttpClient()) {
      HttpRequest.Builder b =
          HttpRequest.newBuilder(URI.create(url))
              .method(method, HttpRequest.BodyPublishers.noBody());
      if (token != null) b.header("Authorization", "Bearer " + token);
      return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
  }
}
