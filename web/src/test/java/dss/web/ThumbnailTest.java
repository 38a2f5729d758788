package dss.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Thumbnails come in four sizes (128, 256, 512, 1024; a requested size is rounded up), are cached
 * on disk once per content and size (byte-identical files share one), and are revalidated by ETag:
 * a client that has the current one gets 304 without a body.
 */
class ThumbnailTest {
  @TempDir static Path tmp;
  static TestServer s;

  @BeforeAll
  static void start() throws Exception {
    s = TestServer.start(tmp, null, SearchServer.Options.DEFAULT_MAX_UPLOAD);
  }

  @AfterAll
  static void stop() throws Exception {
    s.close();
  }

  @Test
  void requestedSizesAreRoundedUpToAFewFixedOnes() throws Exception {
    String id = s.id("scene-3"); // 640x480
    HttpResponse<byte[]> first = thumbnail(id, "?size=100");
    String etag = first.headers().firstValue("ETag").orElseThrow();
    for (String size : List.of("?size=16", "?size=100", "?size=127", "?size=128")) {
      HttpResponse<byte[]> response = thumbnail(id, size);
      assertEquals(etag, response.headers().firstValue("ETag").orElseThrow(), size);
      assertSize(response, 128, 96, size);
    }
    assertSize(thumbnail(id, "?size=129"), 256, 192, "129");
    assertSize(thumbnail(id, ""), 256, 192, "default");
    assertSize(thumbnail(id, "?size=300"), 512, 384, "300");
    assertSize(thumbnail(id, "?size=1000"), 640, 480, "1000 (never larger than the original)");
    assertEquals(List.of("128", "256", "512", "1024"), cachedSizes(hash("scene-3")));
  }

  @Test
  void theCacheIsKeyedByContentNotByPath() throws Exception {
    // scene-1 and sub/scene-1-copy are byte-identical files with different ids
    assertNotEquals(s.id("scene-1"), s.id("scene-1-copy"));
    HttpResponse<byte[]> one = thumbnail(s.id("scene-1"), "?size=512");
    HttpResponse<byte[]> copy = thumbnail(s.id("scene-1-copy"), "?size=512");
    assertEquals(
        one.headers().firstValue("ETag").orElseThrow(),
        copy.headers().firstValue("ETag").orElseThrow());
    assertTrue(one.headers().firstValue("ETag").orElseThrow().contains(hash("scene-1")));
    assertEquals(List.of("512"), cachedSizes(hash("scene-1")));
    // nothing else in the cache folder: no file named by id, no leftover from making a thumbnail
    try (Stream<Path> cached = Files.list(s.thumbnailDir)) {
      List<String> names = cached.map(p -> p.getFileName().toString()).toList();
      assertTrue(
          names.stream().allMatch(n -> n.matches("[0-9a-f]{64}-(128|256|512|1024)\\.jpg")),
          names.toString());
    }
  }

  @Test
  void etagsAnswerConditionalRequestsWith304() throws Exception {
    String id = s.id("scene-5");
    HttpResponse<byte[]> full = thumbnail(id, "");
    String etag = full.headers().firstValue("ETag").orElseThrow();
    assertTrue(etag.matches("\"[0-9a-f]{64}-256\""), etag);
    String cacheControl = full.headers().firstValue("Cache-Control").orElseThrow();
    assertTrue(cacheControl.matches("private, max-age=[1-9][0-9]*"), cacheControl);

    HttpResponse<byte[]> same = conditional(id, etag);
    assertEquals(304, same.statusCode());
    assertEquals(0, same.body().length);
    assertEquals(etag, same.headers().firstValue("ETag").orElseThrow());
    assertEquals(304, conditional(id, "\"other\", " + etag).statusCode());
    assertEquals(304, conditional(id, "W/" + etag).statusCode());
    HttpResponse<byte[]> stale = conditional(id, "\"" + "0".repeat(64) + "-256\"");
    assertEquals(200, stale.statusCode());
    assertTrue(stale.body().length > 0);
    // another size is another thumbnail
    assertEquals(
        200,
        s.send(
                HttpRequest.newBuilder(s.uri("/api/images/" + id + "/thumbnail?size=128"))
                    .header("If-None-Match", etag))
            .statusCode());
  }

  private static HttpResponse<byte[]> thumbnail(String id, String query) throws Exception {
    HttpResponse<byte[]> response = s.get("/api/images/" + id + "/thumbnail" + query);
    assertEquals(200, response.statusCode(), new String(response.body(), StandardCharsets.UTF_8));
    assertEquals("image/jpeg", response.headers().firstValue("Content-Type").orElseThrow());
    return response;
  }

  private static HttpResponse<byte[]> conditional(String id, String ifNoneMatch) throws Exception {
    return s.send(
        HttpRequest.newBuilder(s.uri("/api/images/" + id + "/thumbnail"))
            .header("If-None-Match", ifNoneMatch));
  }

  private static void assertSize(HttpResponse<byte[]> response, int width, int height, String what)
      throws Exception {
    BufferedImage image = ImageIO.read(new ByteArrayInputStream(response.body()));
    assertEquals(width + "x" + height, image.getWidth() + "x" + image.getHeight(), what);
  }

  private static String hash(String name) throws Exception {
    return s.index.get(s.id(name)).orElseThrow().hash();
  }

  /** The sizes cached on disk for a content hash, ascending. */
  private static List<String> cachedSizes(String hash) throws Exception {
    try (Stream<Path> cached = Files.list(s.thumbnailDir)) {
      return cached
          .map(p -> p.getFileName().toString())
          .filter(n -> n.startsWith(hash + "-"))
          .map(n -> n.substring(hash.length() + 1, n.indexOf('.')))
          .map(Integer::parseInt)
          .sorted()
          .map(String::valueOf)
          .toList();
    }
  }
}
