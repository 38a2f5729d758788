package dss.web;

import static dss.web.TestClient.assertError;
import static dss.web.TestClient.json;
import static dss.web.TestServer.multipart;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dss.index.ImageRecord;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every bad request of the list gets a 4xx JSON error naming the field and the reason, with
 * no stack trace or local path in it, and the server keeps serving (checked after each test).
 */
class BadInputTest {
  static final long LIMIT = 256 * 1024;

  @TempDir static Path tmp;
  static TestServer s;

  @BeforeAll
  static void start() throws Exception {
    s = TestServer.start(tmp, TestServer.TOKEN, LIMIT);
  }

  @AfterAll
  static void stop() throws Exception {
    s.close();
  }

  @AfterEach
  void stillServing() throws Exception {
    HttpResponse<byte[]> search = s.post("/api/search?k=1", multipart("image", s.bytes("scene-2")));
    assertEquals(
        200,
        search.statusCode(),
        "server stopped answering searches: " + new String(search.body(), StandardCharsets.UTF_8));
    assertEquals(s.id("scene-2"), json(search).get("results").get(0).get("id").asText());
  }

  @Test
  void noFileField() throws Exception {
    assertError(
        s.post("/api/search", multipart("other", s.bytes("scene-0"))),
        400,
        "field 'image' is missing");
  }

  @Test
  void emptyBodyAndEmptyFile() throws Exception {
    assertError(s.postRaw("/api/search", "image/jpeg", new byte[0]), 400, "empty");
    assertError(
        s.post("/api/search", multipart("image", new byte[0])),
        400,
        "field 'image' (image.bin) is empty");
    assertError(
        s.send(
            HttpRequest.newBuilder(s.uri("/api/search")).POST(HttpRequest.BodyPublishers.noBody())),
        400,
        "multipart field 'image'");
  }

  @Test
  void notAnImage() throws Exception {
    byte[] text = "hello, this is not an image".getBytes(StandardCharsets.UTF_8);
    assertError(s.post("/api/search", multipart("image", text)), 400, "field 'image' (image.bin)");
    assertError(s.postRaw("/api/search", "image/jpeg", text), 400, "body");
    assertError(s.postRaw("/api/search", "text/plain", text), 400, "content type 'text/plain'");
  }

  @Test
  void truncatedImage() throws Exception {
    byte[] jpeg = s.bytes("scene-0");
    assertError(
        s.post("/api/search", multipart("image", Arrays.copyOf(jpeg, jpeg.length / 2))),
        400,
        "image");
    byte[] png = s.bytes("scene-1");
    assertError(
        s.post("/api/duplicates", multipart("image", Arrays.copyOf(png, png.length / 3))),
        400,
        "image");
  }

  @Test
  void headerClaimsTooManyPixels() throws Exception {
    assertError(
        s.post("/api/search", multipart("image", TestImages.pngClaiming(50_000))),
        400,
        "too large");
  }

  /**
   * 9000 x 9000 is under the library's 100 MP but over the 64 MP uploads may have: refused before
   * decoding.
   */
  @Test
  void uploadsHaveALowerPixelLimit() throws Exception {
    assertError(
        s.post("/api/search", multipart("image", TestImages.pngClaiming(9_000))),
        400,
        "9000x9000 = 81000000 pixels, above the limit of 64000000 for uploads");
    assertError(
        s.post("/api/duplicates", multipart("image", TestImages.pngClaiming(9_000))),
        400,
        "for uploads");
  }

  @Test
  void uploadOverTheLimit() throws Exception {
    byte[] big = new byte[(int) LIMIT * 2];
    System.arraycopy(s.bytes("scene-0"), 0, big, 0, 1000);
    assertError(
        s.post("/api/search", multipart("image", big)),
        413,
        "larger than the upload limit of 256 KB");
    assertError(
        s.postRaw("/api/search", "image/jpeg", big), 413, "larger than the upload limit of 256 KB");
    // just over the limit inside the multipart slack: refused by the part's own size
    byte[] slightly = new byte[(int) LIMIT + 10];
    assertError(s.post("/api/search", multipart("image", slightly)), 413, "upload limit");
  }

  @Test
  void badNumbers() throws Exception {
    String id = s.id("scene-0");
    assertError(s.get("/api/search?id=" + id + "&k=abc"), 400, "k must be an integer, got 'abc'");
    assertError(s.get("/api/search?id=" + id + "&k=0"), 400, "k must be between 1 and 1000, got 0");
    assertError(s.get("/api/search?id=" + id + "&k=1001"), 400, "k must be between 1 and 1000");
    assertError(s.get("/api/search?id=" + id + "&k=99999999999999"), 400, "k must be an integer");
    assertError(
        s.get("/api/search?id=" + id + "&max_distance=near"), 400, "max_distance must be a number");
    assertError(
        s.get("/api/search?id=" + id + "&max_distance=-0.5"),
        400,
        "max_distance is a DreamSim distance");
    assertError(s.get("/api/search?id=" + id + "&max_distance=NaN"), 400, "max_distance");
    assertError(
        s.post("/api/search?k=-3", multipart("image", s.bytes("scene-0"))),
        400,
        "k must be between");
    assertError(s.get("/api/duplicates?threshold=x"), 400, "threshold must be a number");
    assertError(s.get("/api/duplicates?threshold=5"), 400, "threshold is a DreamSim distance");
    assertError(s.get("/api/duplicates?page=0"), 400, "page must be between");
    assertError(
        s.post("/api/duplicates?threshold=abc", multipart("image", s.bytes("scene-0"))),
        400,
        "threshold");
    assertError(
        s.get("/api/images/" + id + "/thumbnail?size=huge"), 400, "size must be an integer");
    assertError(
        s.get("/api/images/" + id + "/thumbnail?size=5000"),
        400,
        "size must be between 16 and 1024");
  }

  @Test
  void unknownIds() throws Exception {
    assertError(s.get("/api/search?id=nope"), 404, "no indexed image with id 'nope'");
    assertError(s.get("/api/search"), 400, "'id' is required");
    assertError(s.get("/api/images/nope"), 404, "no indexed image");
    assertError(s.get("/api/images/nope/thumbnail"), 404, "no indexed image");
    assertError(
        s.send(
            HttpRequest.newBuilder(s.uri("/api/images/nope"))
                .DELETE()
                .header("Authorization", "Bearer " + TestServer.TOKEN)),
        404,
        "no indexed image");
  }

  @Test
  void unknownIdSearchNamesTheIdNotTheIndex() throws Exception {
    // a well-formed id (the id a file in the library would have) that is not indexed, and a junk
    // one
    String unindexed = ImageRecord.idFor(s.libraryDir.resolve("never-indexed.jpg").toString());
    for (String id : new String[] {unindexed, "unknown"}) {
      HttpResponse<byte[]> response = s.get("/api/search?id=" + id);
      assertError(response, 404, "no indexed image with id '" + id + "'");
      String body = new String(response.body(), StandardCharsets.UTF_8);
      for (String serverPath :
          new String[] {s.index.location(), tmp.toString(), s.libraryDir.toString()}) {
        assertFalse(body.contains(serverPath), "server path " + serverPath + " in: " + body);
      }
    }
  }

  @Test
  void indexedFileGoneFromDisk() throws Exception {
    Files.delete(s.files.get("scene-7"));
    assertError(s.get("/api/images/" + s.id("scene-7")), 404, "no longer there");
    assertError(s.get("/api/images/" + s.id("scene-7") + "/thumbnail"), 404, "no longer there");
  }

  @Test
  void longValuesAreEchoedAsAShortPrefix() throws Exception {
    String longId = "x".repeat(7000);
    String longText = "y".repeat(7000);
    List<HttpResponse<byte[]>> answers =
        List.of(
            s.get("/api/search?id=" + longId),
            s.get("/api/images/" + longId),
            s.get("/api/images/" + longId + "/thumbnail"),
            s.send(
                HttpRequest.newBuilder(s.uri("/api/images/" + longId))
                    .DELETE()
                    .header("Authorization", "Bearer " + TestServer.TOKEN)),
            s.get("/api/" + longText),
            s.get("/api/search?id=" + s.id("scene-0") + "&k=" + longText),
            s.get("/api/search?id=" + s.id("scene-0") + "&max_distance=" + longText),
            s.get("/api/images/" + s.id("scene-0") + "/thumbnail?size=" + longText),
            s.postRaw(
                "/api/search", "text/" + longText, "not an image".getBytes(StandardCharsets.UTF_8)),
            s.post(
                "/api/images",
                multipart("image", s.bytes("scene-0"), "path", "../" + longText),
                "Authorization",
                "Bearer " + TestServer.TOKEN));
    for (HttpResponse<byte[]> answer : answers) {
      String body = new String(answer.body(), StandardCharsets.UTF_8);
      String start = body.substring(0, Math.min(body.length(), 200));
      assertTrue(
          answer.statusCode() >= 400 && answer.statusCode() < 500,
          answer.statusCode() + ": " + start);
      String message = json(answer).get("error").get("message").asText();
      // a prefix of at most 80 characters of what was sent, never the whole of it
      assertFalse(
          message.contains("x".repeat(81)) || message.contains("y".repeat(81)),
          message.length() + " characters: " + start);
      assertTrue(message.length() < 300, message.length() + " characters: " + start);
    }
  }

  @Test
  void addRefusesNamesTooLongAndFilesUsedAsFolders() throws Exception {
    String auth = "Bearer " + TestServer.TOKEN;
    byte[] image = s.bytes("scene-3");
    String longName = "a".repeat(300) + ".jpg";
    assertError(
        s.post("/api/images", multipart("image", image, "path", longName), "Authorization", auth),
        400,
        "path must be at most 255 bytes");
    // fewer than 255 characters but more than 255 bytes: the limit is in bytes (UTF-8), as the file
    // system's
    String wide = "\u00e9".repeat(130) + ".jpg";
    assertError(
        s.post("/api/images", multipart("image", image, "path", wide), "Authorization", auth),
        400,
        "at most 255 bytes");
    // a name used first as a file, then as a folder, and the other way round
    assertEquals(
        201,
        s.post("/api/images", multipart("image", image, "path", "taken.png"), "Authorization", auth)
            .statusCode());
    assertError(
        s.post(
            "/api/images",
            multipart("image", image, "path", "taken.png/inner.png"),
            "Authorization",
            auth),
        400,
        "'taken.png' is a file, not a folder");
    assertEquals(
        201,
        s.post(
                "/api/images",
                multipart("image", image, "path", "album/one.png"),
                "Authorization",
                auth)
            .statusCode());
    assertError(
        s.post("/api/images", multipart("image", image, "path", "album"), "Authorization", auth),
        400,
        "'album' is a folder");
    try (var stored = Files.walk(s.uploadDir)) {
      List<String> names =
          stored
              .filter(Files::isRegularFile)
              .map(p -> s.uploadDir.relativize(p).toString())
              .filter(n -> !n.matches("[0-9a-f]{16}\\.\\w+"))
              .sorted()
              .toList(); // default names of other tests
      assertEquals(List.of("album/one.png", "taken.png"), names);
    }
  }

  @Test
  void unknownRoutes() throws Exception {
    assertError(s.get("/api/nothing"), 404, "no such route");
    assertError(
        s.send(
            HttpRequest.newBuilder(s.uri("/api/health")).PUT(HttpRequest.BodyPublishers.noBody())),
        404,
        "no such route");
  }

  @Test
  void filesOnlyByIdNeverByPath() throws Exception {
    for (String attempt :
        new String[] {
          "..%2F..%2F..%2Fetc%2Fpasswd",
          "%2e%2e",
          "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
          "..%252F..%252Fetc%252Fpasswd",
          "%2Fetc%2Fpasswd"
        }) {
      assertError(s.get("/api/images/" + attempt), 404, "no indexed image");
      assertError(s.get("/api/images/" + attempt + "/thumbnail"), 404, "no indexed image");
    }
    assertError(s.get("/api/images/../../etc/passwd"), 404, "no such route");
    // the file of an indexed image through its path instead of its id: not a route (the 404 echoes
    // the request)
    HttpResponse<byte[]> byPath = s.get("/api/images/" + s.files.get("scene-0"));
    assertEquals(404, byPath.statusCode());
    assertTrue(new String(byPath.body(), StandardCharsets.UTF_8).startsWith("{\"error\":{"));
    // ambiguous forms Jetty refuses before routing: still a JSON error, not an HTML page
    assertError(s.get("/api/images/..;/..;/etc/passwd"), 400, "ambiguous");
  }

  @Test
  void distanceNeedsBothImages() throws Exception {
    assertError(
        s.post("/api/distance", multipart("a", s.bytes("scene-0"))), 400, "field 'b' is missing");
    assertError(s.postRaw("/api/distance", "image/jpeg", s.bytes("scene-0")), 400, "multipart");
    assertError(
        s.post(
            "/api/distance",
            multipart("a", s.bytes("scene-0"), "b", "text".getBytes(StandardCharsets.UTF_8))),
        400,
        "field 'b' (b.bin)");
  }

  @Test
  void malformedMultipart() throws Exception {
    assertError(
        s.postRaw(
            "/api/search",
            "multipart/form-data; boundary=xyz",
            "garbage".getBytes(StandardCharsets.UTF_8)),
        400,
        "malformed multipart");
  }

  @Test
  void addRefusesPathsOutsideTheUploadFolder() throws Exception {
    for (String path :
        new String[] {
          "../escape.jpg", "/etc/evil.jpg", "a/../../escape.jpg", "nul\u0000.jpg", ""
        }) {
      HttpResponse<byte[]> response =
          s.post(
              "/api/images",
              multipart("image", s.bytes("scene-0"), "path", path),
              "Authorization",
              "Bearer " + TestServer.TOKEN);
      if (path.isEmpty()) {
        assertEquals(
            201,
            response.statusCode(),
            new String(response.body(), StandardCharsets.UTF_8)); // empty = default name
        continue;
      }
      assertError(response, 400, "path must be a relative file name");
    }
    assertFalse(Files.exists(tmp.resolve("escape.jpg")));
    assertError(
        s.post(
            "/api/images",
            multipart("image", "nope".getBytes(StandardCharsets.UTF_8)),
            "Authorization",
            "Bearer " + TestServer.TOKEN),
        400,
        "field 'image'");
  }
}
