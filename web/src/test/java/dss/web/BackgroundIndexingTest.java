package dss.web;

import dss.model.TestModels;
import static dss.web.TestClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dss.image.ImagePipeline;
import dss.index.ImageIndex;
import dss.index.ImageRecord;
import dss.index.IndexConfig;
import dss.index.lucene.LuceneIndex;
import dss.ingest.IngestPipeline;
import dss.ingest.LibraryIndexer;
import dss.model.Embedder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code serve --library}: the server indexes the folder in the background and serves what it has indexed. */
class BackgroundIndexingTest {
  @Test void indexesTheLibraryWhileServing(@TempDir Path tmp) throws Exception {
    Path folder = tmp.resolve("photos");
    for (int i = 0; i < 6; i++) {
      TestImages.write(folder.resolve("p" + i + ".jpg"), TestImages.encode(TestImages.scene(100 + i, 320, 240), "jpeg"));
    }
    TestImages.write(folder.resolve("broken.jpg"), "not an image".getBytes());
    try (Embedder embedder = Embedder.open(TestModels.models().testModel(), "cpu", 1, 4);
         IngestPipeline ingest = new IngestPipeline(new ImagePipeline(), embedder);
         ImageIndex index = LuceneIndex.openShared(tmp.resolve("index"), embedder.info(), IndexConfig.DEFAULT);
         ServerContext context = new ServerContext(index, ingest);
         BackgroundIndexer indexer = new BackgroundIndexer(context, LibraryIndexer.Options.defaults(List.of(folder)));
         SearchServer server = SearchServer.start(context, new SearchServer.Options("127.0.0.1", 0, null, 1 << 20,
             tmp.resolve("thumbs"), tmp.resolve("uploads")), indexer::status)) {
      TestClient client = TestClient.of(server.port());
      indexer.start(Duration.ofMinutes(10));
      JsonNode indexing = null;
      long deadline = System.currentTimeMillis() + 30_000;
      while (System.currentTimeMillis() < deadline) {
        indexing = json(client.get("/api/stats")).get("indexing");
        if (indexing.hasNonNull("last_run")) break;
        Thread.sleep(100);
      }
      assertTrue(indexing.hasNonNull("last_run"), "indexing did not finish: " + indexing);
      assertEquals(6, indexing.get("last_run").get("added").asInt(), indexing.toString());
      assertEquals(1, indexing.get("last_run").get("failed").asInt(), indexing.toString());
      assertEquals(7, indexing.get("total").asInt(), indexing.toString());
      assertEquals(6, json(client.get("/api/health")).get("images").asInt());
      String id = ImageRecord.idFor(folder.resolve("p3.jpg").toString());
      assertEquals(id, json(client.get("/api/search?k=1&id=" + id)).get("results").get(0).get("id").asText());
    }
  }
}
