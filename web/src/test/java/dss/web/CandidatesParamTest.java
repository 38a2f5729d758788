package dss.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dss.index.ImageIndex;
import dss.index.ImageRecord;
import dss.index.IndexConfig;
import dss.index.KnnOptions;
import dss.index.RecordingIndex;
import dss.index.TestVectors;
import dss.index.lucene.LuceneIndex;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code candidates} query parameter of the search routes: it reaches the index's k-NN query
 * (recorded under the server), defaults to the library's {@link KnnOptions#defaultCandidates}, and
 * a bad value is a 400 naming it.
 */
class CandidatesParamTest {
  @TempDir static Path tmp;
  @RegisterExtension static final TestServers servers = TestServers.perClass();
  static RecordingIndex recording;
  static TestServer client;

  @BeforeAll
  static void start() throws Exception {
    client =
        servers
            .builder(tmp)
            .withoutFixtures()
            .index(
                (dir, model) -> {
                  float[][] v = TestVectors.clustered(30, model.dimensions(), 9);
                  ImageIndex lucene = LuceneIndex.openWritable(dir, model, IndexConfig.DEFAULT);
                  for (int i = 0; i < v.length; i++) {
                    lucene.upsert(
                        new ImageRecord(
                            "id" + i, "/p/" + i + ".jpg", "h" + i, 10, 1, 4, 3, "jpeg", 0),
                        v[i]);
                  }
                  lucene.commit();
                  return lucene;
                })
            .wrapIndex(lucene -> (recording = new RecordingIndex(lucene)).index)
            .start();
  }

  static JsonNode json(HttpResponse<byte[]> response) throws Exception {
    return TestClient.JSON.readTree(new String(response.body(), StandardCharsets.UTF_8));
  }

  @Test
  void candidatesReachTheQuery() throws Exception {
    HttpResponse<byte[]> asked = client.get("/api/search?id=id4&k=5&candidates=321");
    assertEquals(200, asked.statusCode(), new String(asked.body(), StandardCharsets.UTF_8));
    assertEquals(5, json(asked).get("results").size());
    assertEquals(321, recording.knn.getLast().options().candidates());
    assertEquals(5, recording.knn.getLast().k());

    assertEquals(
        200,
        client.get("/api/search?id=id4&k=5&candidates=5").statusCode(),
        "k candidates is allowed");
    assertEquals(5, recording.knn.getLast().options().candidates());

    assertEquals(200, client.get("/api/search?id=id4").statusCode());
    assertEquals(KnnOptions.LIBRARY_DEFAULT, recording.knn.getLast().options().candidates());
    assertEquals(200, client.get("/api/search?id=id4&k=1000").statusCode());
    assertEquals(KnnOptions.LIBRARY_DEFAULT, recording.knn.getLast().options().candidates());
    assertEquals(4000, recording.knn.getLast().candidatesFor(100), "4 k for k 1000");
  }

  @Test
  void badCandidatesAreA400NamingTheParameter() throws Exception {
    String[][] cases = {
      {"k=20&candidates=19", "candidates must be at least k (20), got 19"},
      {"candidates=10001", "candidates must be between 1 and 10000, got 10001"},
      {"candidates=0", "candidates must be between 1 and 10000, got 0"},
      {"candidates=lots", "candidates must be an integer, got 'lots'"},
    };
    for (String[] c : cases) {
      int before = recording.knn.size();
      HttpResponse<byte[]> response = client.get("/api/search?id=id4&" + c[0]);
      assertEquals(400, response.statusCode(), c[0]);
      String body = new String(response.body(), StandardCharsets.UTF_8);
      assertTrue(body.contains(c[1]), c[0] + ": " + body);
      assertEquals(before, recording.knn.size(), "no query ran for " + c[0]);
    }
  }
}
