package dss.web;

import static dss.web.TestServer.json;
import static dss.web.TestServer.multipart;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dss.image.ImagePipeline;
import dss.index.ImageIndex;
import dss.index.ImageRecord;
import dss.index.IndexConfig;
import dss.index.lucene.LuceneIndex;
import dss.ingest.IngestPipeline;
import dss.ingest.LibraryIndexer;
import dss.model.Embedder;
import dss.model.TestModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * An index whose folder cannot be written (a read-only file system, a backup mounted read-only,
 * another user's files) is served read-only, as {@code stats} and {@code search} read it, instead
 * of refusing to start.
 *
 * <p>The folder is made unwritable for real: by permissions, and where those do not bind (the tests
 * run as root) by the immutable attribute ({@code chattr +i}); where neither can be set the test is
 * skipped with a message.
 */
class ReadOnlyFolderTest {
  @RegisterExtension final TestServers servers = new TestServers();

  @Test
  void servesAnIndexInAFolderItCannotWrite(@TempDir Path tmp) throws Exception {
    Path indexDir = tmp.resolve("index");
    Path photo =
        TestImages.write(
            tmp.resolve("lib/a.jpg"), TestImages.encode(TestImages.scene(3, 320, 240), "jpeg"));
    try (Embedder embedder = Embedder.open(TestModels.models().testModel(), "cpu", 1, 4);
        IngestPipeline ingest = new IngestPipeline(new ImagePipeline(), embedder)) {
      try (ImageIndex writer =
          LuceneIndex.openWritable(indexDir, embedder.info(), IndexConfig.DEFAULT)) {
        var run =
            new LibraryIndexer(
                    writer, ingest, LibraryIndexer.Options.defaults(List.of(photo.getParent())))
                .run(f -> {});
        assertEquals(1, run.added(), run.toString());
      }
      makeReadOnly(indexDir);
      try {
        TestServer client = servers.builder(tmp).withoutFixtures().token("t").start();
        assertTrue(client.index.readOnly());
        assertEquals(1, json(client.get("/api/health")).get("images").asInt());
        assertTrue(json(client.get("/api/stats")).get("read_only").asBoolean());
        String id = ImageRecord.idFor(photo.toString());
        assertEquals(
            id,
            json(client.get("/api/search?k=1&id=" + id)).get("results").get(0).get("id").asText());
        assertEquals(
            id,
            json(client.post("/api/search?k=1", multipart("image", Files.readAllBytes(photo))))
                .get("results")
                .get(0)
                .get("id")
                .asText());
        assertArrayEquals(Files.readAllBytes(photo), client.get("/api/images/" + id).body());
        TestClient.assertError(
            client.post(
                "/api/images",
                multipart("image", Files.readAllBytes(photo)),
                "Authorization",
                "Bearer t"),
            409,
            "read-only");
        client.close();
      } finally {
        makeWritable(indexDir);
      }
    }
  }

  /**
   * Makes {@code dir} and its files unwritable, or skips the test when this machine does not allow
   * it.
   */
  private static void makeReadOnly(Path dir) throws Exception {
    forEach(
        dir,
        p ->
            Files.setPosixFilePermissions(
                p,
                PosixFilePermissions.fromString(Files.isDirectory(p) ? "r-xr-xr-x" : "r--r--r--")));
    if (!canWrite(dir)) return;
    // root ignores permissions: the immutable attribute binds root too
    boolean set = run("chattr", "-R", "+i", dir.toString());
    if (set && !canWrite(dir)) return;
    makeWritable(dir);
    Assumptions.abort(
        "cannot make a folder read-only here (permissions do not bind and chattr +i failed)");
  }

  private static void makeWritable(Path dir) throws Exception {
    run("chattr", "-R", "-i", dir.toString());
    forEach(
        dir,
        p ->
            Files.setPosixFilePermissions(
                p,
                PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--")));
  }

  private static boolean canWrite(Path dir) {
    try {
      Files.delete(Files.createFile(dir.resolve("probe")));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static boolean run(String... command) {
    try {
      Process p =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      return p.waitFor() == 0;
    } catch (IOException e) {
      return false; // no such tool
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private interface PathAction {
    void apply(Path p) throws IOException;
  }

  private static void forEach(Path dir, PathAction action) throws IOException {
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.toList()) action.apply(p);
    }
  }
}
