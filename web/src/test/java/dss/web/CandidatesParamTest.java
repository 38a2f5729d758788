package dss.web;

import dss.index.KnnOptions;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dss.index.ImageIndex;
import dss.index.ImageRecord;
import dss.index.IndexConfig;
import dss.index.KnnQuery;
import dss.index.RecordingIndex;
import dss.index.TestVectors;
import dss.index.lucene.LuceneIndex;
import dss.image.ImagePipeline;
import dss.ingest.IngestPipeline;
import dss.model.Embedder;
import dss.model.TestModels;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code candidates} query parameter of the search routes: it reaches the index's k-NN query (recorded under
 * the server), defaults to {@link KnnQuery#defaultCandidates} of k, and a bad value is a 400 naming it.
 */
class CandidatesParamTest {
  @TempDir static Path tmp;
  static Embedder embedder;
  static IngestPipeline ingest;
  static ImageIndex lucene;
  static RecordingIndex recording;
  static ServerContext context;
  static SearchServer server;
  static TestClient client;

  @BeforeAll static void start() throws Exception {
    embedder = Embedder.open(TestModels.models().testModel(), "cpu", 1, 4);
    ingest = new IngestPipeline(new ImagePipeline(), embedder);
    float[][] v = TestVectors.clustered(30, embedder.info().dimensions(), 9);
    lucene = LuceneIndex.openWritable(tmp.resolve("index"), embedder.info(), IndexConfig.DEFAULT);
    for (int i = 0; i < v.length; i++) {
      lucene.upsert(new ImageRecord("id" + i, "/p/" + i + ".jpg", "h" + i, 10, 1, 4, 3, "jpeg", 0), v[i]);
    }
    lucene.commit();
    recording = new RecordingIndex(lucene);
    context = new ServerContext(recording.index, ingest);
    server = SearchServer.start(context, new SearchServer.Options("127.0.0.1", 0, null,
        SearchServer.Options.DEFAULT_MAX_UPLOAD, tmp.resolve("thumbnails"), tmp.resolve("uploads")), () -> null);
    client = TestClient.of(server.port());
  }

  @AfterAll static void stop() throws Exception {
    server.close();
    context.close();
    lucene.close();
    ingest.close();
    embedder.close();
  }

  static JsonNode json(HttpResponse<byte[]> response) throws Exception {
    return TestClient.JSON.readTree(new String(response.body(), StandardCharsets.UTF_8));
  }

  @Test void candidatesReachTheQuery() throws Exception {
    HttpResponse<byte[]> asked = client.get("/api/search?id=id4&k=5&candidates=321");
    assertEquals(200, asked.statusCode(), new String(asked.body(), StandardCharsets.UTF_8));
    assertEquals(5, json(asked).get("results").size());
    assertEquals(321, recording.knn.getLast().candidates());
    assertEquals(5, recording.knn.getLast().k());

    assertEquals(200, client.get("/api/search?id=id4&k=5&candidates=5").statusCode(), "k candidates is allowed");
    assertEquals(5, recording.knn.getLast().candidates());

    assertEquals(200, client.get("/api/search?id=id4").statusCode());
    assertEquals(KnnOptions.defaultCandidates(Params.DEFAULT_K), recording.knn.getLast().candidates());
    assertEquals(200, client.get("/api/search?id=id4&k=1000").statusCode());
    assertEquals(KnnOptions.defaultCandidates(1000), recording.knn.getLast().candidates());
  }

  @Test void badCandidatesAreA400NamingTheParameter() throws Exception {
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
