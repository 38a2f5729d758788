package dss.web;

import static dss.web.TestServer.multipart;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hundreds of searches at once (by id and by upload, through the batching model session): no errors, right answers. */
class ConcurrencyTest {
  @Test void hundredsOfParallelSearches(@TempDir Path tmp) throws Exception {
    try (TestServer s = TestServer.start(tmp, null, SearchServer.Options.DEFAULT_MAX_UPLOAD)) {
      List<String> names = List.copyOf(s.files.keySet()).stream()
          .filter(n -> !n.equals("scene-1-copy") && !n.equals("scene-1")).toList(); // copies tie at distance 0
      List<String> expected = new ArrayList<>();
      List<CompletableFuture<HttpResponse<byte[]>>> pending = new ArrayList<>();
      for (int i = 0; i < 400; i++) {
        String name = names.get(i % names.size());
        expected.add(s.id(name));
        HttpRequest request;
        if (i % 8 == 0) { // one in eight by upload: these queue up for the model and run batched
          TestServer.Multipart form = multipart("image", s.bytes(name));
          request = HttpRequest.newBuilder(s.uri("/api/search?k=3")).header("Content-Type", form.contentType())
              .POST(HttpRequest.BodyPublishers.ofByteArray(form.body())).build();
        } else {
          request = HttpRequest.newBuilder(s.uri("/api/search?k=3&id=" + s.id(name))).build();
        }
        pending.add(s.http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray()));
      }
      for (int i = 0; i < pending.size(); i++) {
        HttpResponse<byte[]> response = pending.get(i).join();
        assertEquals(200, response.statusCode(), "request " + i + ": " + new String(response.body()));
        JsonNode first = TestServer.json(response).get("results").get(0);
        assertEquals(expected.get(i), first.get("id").asText(), "request " + i);
        assertEquals(0, first.get("distance").asDouble(), 1e-3, "request " + i);
      }
    }
  }
}
