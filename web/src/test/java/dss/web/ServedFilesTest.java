package dss.web;

import static dss.web.TestClient.assertError;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dss.index.ImageRecord;
import dss.ingest.LibraryIndexer;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Originals and thumbnails are served only from a regular file at the indexed path, reached without
 * a symbolic link out of the library, whose size and modification time still match the index:
 * otherwise 404 (nothing servable there) or 409 (changed since it was indexed). Each case is a real
 * file system change under a real server.
 */
class ServedFilesTest {
  @RegisterExtension final TestServers servers = new TestServers();

  @Test
  void aFileReplacedByASymbolicLinkIsNotServed(@TempDir Path tmp) throws Exception {
    try (TestServer s = TestServer.start(tmp, null, SearchServer.Options.DEFAULT_MAX_UPLOAD)) {
      // the link leads to an exact copy with the indexed size and time: only the link itself gives
      // it away
      Path original = s.files.get("scene-3");
      Path copy =
          Files.copy(
              original, Files.createDirectories(tmp.resolve("elsewhere")).resolve("copy.png"));
      Files.setLastModifiedTime(copy, Files.getLastModifiedTime(original));
      Files.delete(original);
      Files.createSymbolicLink(original, copy);
      assertError(s.get("/api/images/" + s.id("scene-3")), 404, "symbolic link");
      assertError(s.get("/api/images/" + s.id("scene-3") + "/thumbnail"), 404, "symbolic link");

      // the attack of the report: a photo replaced by a link to a system file
      Path photo = s.files.get("scene-5");
      Files.delete(photo);
      Files.createSymbolicLink(photo, Path.of("/etc/passwd"));
      HttpResponse<byte[]> passwd = s.get("/api/images/" + s.id("scene-5"));
      assertError(passwd, 404, "symbolic link");
      assertFalse(new String(passwd.body(), StandardCharsets.UTF_8).contains("root:"));
      assertError(s.get("/api/images/" + s.id("scene-5") + "/thumbnail"), 404, "symbolic link");

      // a folder where the file was
      Path file = s.files.get("scene-6");
      Files.delete(file);
      Files.createDirectory(file);
      assertError(s.get("/api/images/" + s.id("scene-6")), 404, "not a regular file");
      assertError(
          s.get("/api/images/" + s.id("scene-6") + "/thumbnail"), 404, "not a regular file");

      // the others are still served
      HttpResponse<byte[]> untouched = s.get("/api/images/" + s.id("scene-4"));
      assertEquals(200, untouched.statusCode());
      assertArrayEquals(s.bytes("scene-4"), untouched.body());
    }
  }

  @Test
  void aChangedFileIsRefusedUntilItIsReindexed(@TempDir Path tmp) throws Exception {
    try (TestServer s = TestServer.start(tmp, null, SearchServer.Options.DEFAULT_MAX_UPLOAD)) {
      // other content (another size) at the indexed path
      Path replaced = s.files.get("scene-4");
      byte[] other = TestImages.encode(TestImages.scene(77, 500, 400), "jpeg");
      Files.write(replaced, other);
      assertError(
          s.get("/api/images/" + s.id("scene-4")), 409, "changed on disk since it was indexed");
      assertError(s.get("/api/images/" + s.id("scene-4")), 409, "re-index");
      assertError(s.get("/api/images/" + s.id("scene-4") + "/thumbnail"), 409, "changed on disk");
      // the same size, only a new modification time
      Path touched = s.files.get("scene-2");
      Files.setLastModifiedTime(
          touched, FileTime.fromMillis(Files.getLastModifiedTime(touched).toMillis() + 5000));
      assertError(s.get("/api/images/" + s.id("scene-2")), 409, "changed on disk");
      assertError(s.get("/api/images/" + s.id("scene-2") + "/thumbnail"), 409, "changed on disk");

      // the next indexing run (as `serve --library` does on schedule) takes the new state: served
      // again
      var run =
          new LibraryIndexer(
                  s.index, s.ingest, LibraryIndexer.Options.defaults(List.of(s.libraryDir)))
              .run(f -> {});
      assertEquals(2, run.updated(), run.toString());
      HttpResponse<byte[]> now = s.get("/api/images/" + s.id("scene-4"));
      assertEquals(200, now.statusCode(), new String(now.body(), StandardCharsets.UTF_8));
      assertArrayEquals(other, now.body());
      assertEquals(200, s.get("/api/images/" + s.id("scene-4") + "/thumbnail").statusCode());
      assertEquals(200, s.get("/api/images/" + s.id("scene-2")).statusCode());
    }
  }

  /**
   * {@code serve --library}: the server knows its library roots, so a folder inside one swapped for
   * a link that leads out of it is refused even when the file there looks exactly like the indexed
   * one; a root that was itself given through a link is fine.
   */
  @Test
  void aFolderSwappedForALinkOutOfTheLibraryIsNotServed(@TempDir Path tmp) throws Exception {
    Path real = tmp.resolve("photos");
    Path inSub =
        TestImages.write(
            real.resolve("sub/a.jpg"), TestImages.encode(TestImages.scene(11, 320, 240), "jpeg"));
    TestImages.write(
        real.resolve("b.png"), TestImages.encode(TestImages.scene(12, 320, 240), "png"));
    Path root =
        Files.createSymbolicLink(
            tmp.resolve("library-link"), real); // the root, given through a link
    TestServer client =
        servers.builder(tmp).withoutFixtures().backgroundLibrary(List.of(root)).start();
    assertEquals(2, client.awaitBackgroundRun().added());
    String a = ImageRecord.idFor(root.resolve("sub/a.jpg").toString());
    String b = ImageRecord.idFor(root.resolve("b.png").toString());
    assertEquals(200, client.get("/api/images/" + a).statusCode());
    assertEquals(200, client.get("/api/images/" + b).statusCode());

    // sub/ moves out of the library and a link takes its place: same names, same sizes, same times
    Path outside = Files.createDirectories(tmp.resolve("outside"));
    Path moved = Files.move(real.resolve("sub"), outside.resolve("sub"));
    assertTrue(Files.isRegularFile(moved.resolve("a.jpg")));
    Files.createSymbolicLink(real.resolve("sub"), moved);
    assertEquals(Files.size(inSub), Files.size(root.resolve("sub/a.jpg")));
    assertError(client.get("/api/images/" + a), 404, "outside the library");
    assertError(client.get("/api/images/" + a + "/thumbnail"), 404, "outside the library");
    assertEquals(200, client.get("/api/images/" + b).statusCode());
    assertEquals(200, client.get("/api/images/" + b + "/thumbnail").statusCode());
  }
}
