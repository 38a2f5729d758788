package dss.web;

import static dss.web.TestClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dss.index.ImageRecord;
import dss.ingest.LibraryIndexer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code serve --library}: the server indexes the folder in the background and serves what it has
 * indexed.
 */
class BackgroundIndexingTest {
  @RegisterExtension final TestServers servers = new TestServers();

  @Test
  void indexesTheLibraryWhileServing(@TempDir Path tmp) throws Exception {
    Path folder = tmp.resolve("photos");
    for (int i = 0; i < 6; i++) {
      TestImages.write(
          folder.resolve("p" + i + ".jpg"),
          TestImages.encode(TestImages.scene(100 + i, 320, 240), "jpeg"));
    }
    TestImages.write(folder.resolve("broken.jpg"), "not an image".getBytes(StandardCharsets.UTF_8));
    TestServer s =
        servers.builder(tmp).withoutFixtures().backgroundLibrary(List.of(folder)).start();
    LibraryIndexer.Summary run = s.awaitBackgroundRun();
    assertEquals(6, run.added(), run.toString());
    assertEquals(1, run.failed(), run.toString());
    JsonNode indexing = json(s.get("/api/stats")).get("indexing");
    assertEquals(6, indexing.get("last_run").get("added").asInt(), indexing.toString());
    assertEquals(1, indexing.get("last_run").get("failed").asInt(), indexing.toString());
    assertEquals(7, indexing.get("total").asInt(), indexing.toString());
    assertEquals(6, json(s.get("/api/health")).get("images").asInt());
    String id = ImageRecord.idFor(folder.resolve("p3.jpg").toString());
    assertEquals(
        id, json(s.get("/api/search?k=1&id=" + id)).get("results").get(0).get("id").asText());
  }
}
