package dss.web;

import static dss.web.TestServer.json;
import static dss.web.TestServer.multipart;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dss.image.ImagePipeline;
import dss.index.ImageIndex;
import dss.index.ImageRecord;
import dss.index.IndexConfig;
import dss.index.lucene.LuceneIndex;
import dss.model.Embedder;
import dss.model.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * While another writer (a running {@code dreamsim index}) holds the index, the server opens it
 * read-only, serves its commits as they come, and refuses writes with a clear 409.
 */
class ReadOnlyServingTest {
  @RegisterExtension final TestServers servers = new TestServers();

  @Test
  void servesAnIndexThatAnotherWriterHolds(@TempDir Path tmp) throws Exception {
    Path indexDir = tmp.resolve("index");
    ImagePipeline pipeline = new ImagePipeline();
    try (Embedder embedder = Embedder.open(TestModels.models().testModel(), "cpu", 1, 4);
        ImageIndex writer =
            LuceneIndex.openWritable(indexDir, embedder.info(), IndexConfig.DEFAULT)) {
      Path first =
          TestImages.write(
              tmp.resolve("lib/a.jpg"), TestImages.encode(TestImages.scene(1, 300, 200), "jpeg"));
      add(writer, embedder, pipeline, first);
      writer.commit();

      // what `dreamsim serve` opens: the writer is taken, so the shared open falls back to
      // read-only
      TestServer client = servers.builder(tmp).withoutFixtures().token("t").start();
      assertTrue(client.index.readOnly());
      assertEquals(1, json(client.get("/api/health")).get("images").asInt());
      assertTrue(json(client.get("/api/stats")).get("read_only").asBoolean());

      // the other process commits a second image: the server sees it after its next refresh
      Path second =
          TestImages.write(
              tmp.resolve("lib/b.png"), TestImages.encode(TestImages.scene(2, 300, 200), "png"));
      add(writer, embedder, pipeline, second);
      writer.commit();
      client.awaitRefresh();
      assertEquals(2, json(client.get("/api/health")).get("images").asInt());
      String secondId = ImageRecord.idFor(second.toString());
      assertEquals(
          secondId,
          json(client.post("/api/search?k=1", multipart("image", Files.readAllBytes(second))))
              .get("results")
              .get(0)
              .get("id")
              .asText());

      var refused =
          client.post(
              "/api/images",
              multipart("image", Files.readAllBytes(first)),
              "Authorization",
              "Bearer t");
      TestClient.assertError(refused, 409, "read-only");
    }
  }

  private static void add(ImageIndex writer, Embedder embedder, ImagePipeline pipeline, Path file)
      throws Exception {
    var prepared = pipeline.prepare(file);
    writer.upsert(
        new ImageRecord(
            ImageRecord.idFor(file.toString()),
            file.toString(),
            "h" + file.getFileName(),
            Files.size(file),
            0,
            prepared.width(),
            prepared.height(),
            prepared.format(),
            0),
        embedder.embed(java.util.List.of(prepared.tensor()))[0]);
  }
}
