package dss.web;

import static dss.web.TestClient.assertError;
import static dss.web.TestClient.json;
import static dss.web.TestServer.multipart;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dss.image.HeifFiles;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HEIC uploads (made with heif-enc from an indexed picture): a good one finds the picture it was
 * made from, a truncated one or one whose header claims 100000x100000 pixels gets a 400 JSON error,
 * and the server keeps serving.
 */
class HeifUploadTest {
  @TempDir static Path tmp;
  static TestServer s;
  static byte[] heic;

  @BeforeAll
  static void start() throws Exception {
    HeifFiles.assumeTools();
    s = TestServer.start(tmp, TestServer.TOKEN, 4 << 20);
    heic =
        Files.readAllBytes(HeifFiles.encode(s.files.get("scene-3"), tmp.resolve("scene-3.heic")));
  }

  @AfterAll
  static void stop() throws Exception {
    if (s != null) s.close();
  }

  @Test
  void aGoodHeicFindsItsOriginal() throws Exception {
    HttpResponse<byte[]> response = s.post("/api/search?k=1", multipart("image", heic));
    assertEquals(200, response.statusCode(), new String(response.body(), StandardCharsets.UTF_8));
    assertEquals(s.id("scene-3"), json(response).get("results").get(0).get("id").asText());
  }

  @Test
  void badHeicUploadsAre400sAndTheServerGoesOn() throws Exception {
    assertError(
        s.post("/api/search", multipart("image", Arrays.copyOf(heic, heic.length / 2))),
        400,
        "HEIC");
    assertError(
        s.post(
            "/api/search", multipart("image", HeifFiles.withClaimedSize(heic, 100_000, 100_000))),
        400,
        "too large");
    assertError(s.postRaw("/api/search", "image/heic", Arrays.copyOf(heic, 200)), 400, "HEIC");
    aGoodHeicFindsItsOriginal();
  }
}
