package dss.web;

import static dss.web.TestClient.json;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dss.index.ImageRecord;
import dss.ingest.LibraryIndexer;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import javax.imageio.ImageIO;
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

  /**
   * The grid's thumbnails are made while indexing, from the pixels decoded for the model: after the
   * run, each image's 256 thumbnail is in the cache under its content hash (computed here from the
   * file), upright, and a first visit's request gets exactly that file.
   */
  @Test
  void theGridThumbnailsAreMadeWhileIndexing(@TempDir Path tmp) throws Exception {
    Path folder = tmp.resolve("photos");
    Path wide = folder.resolve("wide.jpg");
    TestImages.write(wide, TestImages.encode(TestImages.scene(7, 1024, 768), "jpeg"));
    Path rotated = folder.resolve("rotated.jpg");
    Files.copy(
        dss.model.TestModels.root()
            .resolve("engine/src/test/resources/images/exif/orientation-6.jpg"),
        rotated);
    TestServer s =
        servers.builder(tmp).withoutFixtures().backgroundLibrary(List.of(folder)).start();
    assertEquals(2, s.awaitBackgroundRun().added());
    for (Path photo : List.of(wide, rotated)) {
      String hash = HexFormat.of().formatHex(sha256(Files.readAllBytes(photo)));
      Path made = s.thumbnailDir.resolve(hash + "-256.jpg");
      assertTrue(Files.isRegularFile(made), "no grid thumbnail made while indexing " + photo);
      BufferedImage thumbnail = ImageIO.read(made.toFile());
      assertEquals(256, thumbnail.getWidth(), photo + ": landscape, 256 wide"); // both are upright
      assertTrue(thumbnail.getHeight() < 256, photo.toString());
      byte[] served =
          s.get("/api/images/" + ImageRecord.idFor(photo.toString()) + "/thumbnail?size=256")
              .body();
      assertArrayEquals(Files.readAllBytes(made), served, "the request is served the made file");
    }
  }

  private static byte[] sha256(byte[] bytes) throws Exception {
    return java.security.MessageDigest.getInstance("SHA-256").digest(bytes);
  }
}
