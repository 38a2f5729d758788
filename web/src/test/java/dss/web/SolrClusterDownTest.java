package dss.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dss.index.IndexConfig;
import dss.index.solr.SolrIndex;
import dss.index.solr.TestCluster;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server on a SolrCloud collection whose whole cluster (every node and ZooKeeper, each a process
 * of its own) stops and starts again while the server runs: while it is down, health and searches
 * answer 503 with Retry-After and a message naming the cluster (not a hang, not a 500); when it is
 * back, the same server answers the same results again, without a restart.
 */
class SolrClusterDownTest {
  /**
   * A bound for a hung server (before the fix, every route blocked for 61.5 s), not a speed target.
   */
  private static final Duration HUNG = Duration.ofSeconds(20);

  @RegisterExtension final TestServers servers = new TestServers();
  @TempDir Path tmp;

  @Test
  void aStoppedClusterIs503AndTheServerRecoversWhenItComesBack() throws Exception {
    try (TestCluster cluster = TestCluster.start(1, null)) {
      String location = cluster.location("down");
      TestServer s =
          servers
              .builder(tmp)
              .index(
                  (dir, model) ->
                      SolrIndex.openWritable(location, model, IndexConfig.DEFAULT, 1, 1))
              .start();
      String search = "/api/search?id=" + s.id("scene-0") + "&k=5";
      JsonNode before = TestClient.JSON.readTree(get(s, search).body());
      assertEquals(5, before.get("results").size(), before.toString());
      assertEquals(200, get(s, "/api/health").statusCode());

      cluster.stopAll();
      for (String route : new String[] {"/api/health", search, "/api/stats"}) {
        HttpResponse<byte[]> down = get(s, route); // throws HttpTimeoutException if it hangs
        assertEquals(
            503,
            down.statusCode(),
            route + ": " + new String(down.body(), java.nio.charset.StandardCharsets.UTF_8));
        assertTrue(
            down.headers().firstValue("Retry-After").isPresent(), route + " has Retry-After");
        String message =
            TestClient.JSON.readTree(down.body()).path("error").path("message").asText();
        assertTrue(
            message.contains(cluster.solr()) && message.contains("SolrCloud cluster"),
            route + " names the cluster: " + message);
      }

      cluster.startAll();
      // Waits on answers: the cluster's collection comes back some time after its nodes are live
      HttpResponse<byte[]> health = get(s, "/api/health");
      for (int i = 0; i < 600 && health.statusCode() != 200; i++) {
        Thread.sleep(200);
        health = get(s, "/api/health");
      }
      assertEquals(
          200,
          health.statusCode(),
          new String(health.body(), java.nio.charset.StandardCharsets.UTF_8));
      HttpResponse<byte[]> after = get(s, search);
      for (int i = 0; i < 600 && after.statusCode() != 200; i++) {
        Thread.sleep(200);
        after = get(s, search);
      }
      assertEquals(
          200,
          after.statusCode(),
          new String(after.body(), java.nio.charset.StandardCharsets.UTF_8));
      assertEquals(before.get("results"), TestClient.JSON.readTree(after.body()).get("results"));
      s.close(); // before the cluster stops
    }
  }

  private static HttpResponse<byte[]> get(TestServer s, String route) throws Exception {
    return s.http.send(
        HttpRequest.newBuilder(s.uri(route)).timeout(HUNG).build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }
}
