package dss.web;

import static dss.web.TestClient.assertError;
import static dss.web.TestServer.multipart;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /api/images} writes the upload, then indexes it: when the index refuses the write
 * (here: closed under the running server, as on shutdown), the written file and the folders made
 * for it are removed again, so the upload folder holds no file the index does not know.
 */
class UploadCleanupTest {
  @Test
  void aFailedIndexWriteLeavesNoFileBehind(@TempDir Path tmp) throws Exception {
    try (TestServer s =
        TestServer.start(tmp, TestServer.TOKEN, SearchServer.Options.DEFAULT_MAX_UPLOAD)) {
      String auth = "Bearer " + TestServer.TOKEN;
      assertEquals(
          201,
          s.post(
                  "/api/images",
                  multipart("image", s.bytes("scene-2"), "path", "kept/first.png"),
                  "Authorization",
                  auth)
              .statusCode());
      s.index.close();
      assertError(
          s.post(
              "/api/images",
              multipart("image", s.bytes("scene-3"), "path", "new/folder/second.png"),
              "Authorization",
              auth),
          500,
          "internal error");
      assertError(
          s.post("/api/images", multipart("image", s.bytes("scene-4")), "Authorization", auth),
          500,
          "internal error");
      try (Stream<Path> stored = Files.walk(s.uploadDir)) {
        assertEquals(
            List.of("", "kept", "kept/first.png"),
            stored.map(p -> s.uploadDir.relativize(p).toString()).sorted().toList());
      }
    }
  }
}
