package dss.web;

import static dss.web.TestServer.json;
import static dss.web.TestServer.multipart;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dss.image.ImagePipeline;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every endpoint against a real server over a real index (test model), happy paths and token
 * handling.
 */
class ApiTest {
  @TempDir static Path tmp;
  static TestServer s;

  @BeforeAll
  static void start() throws Exception {
    s = TestServer.start(tmp, TestServer.TOKEN, SearchServer.Options.DEFAULT_MAX_UPLOAD);
  }

  @AfterAll
  static void stop() throws Exception {
    s.close();
  }

  @Test
  void healthAndStats() throws Exception {
    JsonNode health = json(s.get("/api/health"));
    assertEquals("ok", health.get("status").asText());
    assertEquals(s.files.size(), health.get("images").asInt());
    JsonNode stats = json(s.get("/api/stats"));
    assertEquals(s.files.size(), stats.get("images").asInt());
    assertEquals("test-model", stats.get("model").get("name").asText());
    assertEquals(1792, stats.get("model").get("dimensions").asInt());
    assertEquals("cpu", stats.get("device").asText());
    assertFalse(stats.get("read_only").asBoolean());
  }

  @Test
  void searchByUploadFindsTheSameImageFirst() throws Exception {
    HttpResponse<byte[]> response =
        s.post("/api/search?k=5", multipart("image", s.bytes("scene-2")));
    assertEquals(200, response.statusCode(), new String(response.body(), StandardCharsets.UTF_8));
    JsonNode body = json(response);
    JsonNode results = body.get("results");
    assertEquals(5, results.size());
    assertEquals(s.id("scene-2"), results.get(0).get("id").asText());
    assertEquals(0, results.get(0).get("distance").asDouble(), 1e-3);
    assertEquals(640, results.get(0).get("width").asInt());
    assertEquals(480, results.get(0).get("height").asInt());
    assertEquals(s.files.get("scene-2").toString(), results.get(0).get("path").asText());
    assertEquals(
        "/api/images/" + s.id("scene-2") + "/thumbnail", results.get(0).get("thumbnail").asText());
    assertNearestFirst(results);
    assertTrue(body.get("took_ms").asDouble() > 0);
    assertTrue(body.get("timings").get("model_ms").asDouble() > 0);
  }

  @Test
  void searchByRawBody() throws Exception {
    HttpResponse<byte[]> response = s.postRaw("/api/search?k=3", "image/png", s.bytes("scene-3"));
    assertEquals(200, response.statusCode(), new String(response.body(), StandardCharsets.UTF_8));
    assertEquals(s.id("scene-3"), json(response).get("results").get(0).get("id").asText());
  }

  @Test
  void searchByIdWithFilters() throws Exception {
    JsonNode all = json(s.get("/api/search?id=" + s.id("scene-0") + "&k=1000")).get("results");
    assertEquals(s.files.size(), all.size());
    assertEquals(s.id("scene-0"), all.get(0).get("id").asText());
    assertNearestFirst(all);
    // max_distance: exactly the results within it, in the same order
    double cut = all.get(4).get("distance").asDouble();
    JsonNode near =
        json(s.get("/api/search?id=" + s.id("scene-0") + "&k=1000&max_distance=" + cut))
            .get("results");
    List<String> expected = TestServer.ids(all).stream().limit(5).toList();
    assertEquals(expected, TestServer.ids(near).subList(0, Math.min(5, near.size())));
    near.forEach(r -> assertTrue(r.get("distance").asDouble() <= cut + 1e-6));
    // path_prefix: only the files of sub/
    String prefix = s.libraryDir.resolve("sub").toString();
    JsonNode sub =
        json(s.get("/api/search?id=" + s.id("scene-0") + "&path_prefix=" + enc(prefix)))
            .get("results");
    assertEquals(
        List.of(s.id("scene-0-small"), s.id("scene-1-copy")).stream().sorted().toList(),
        TestServer.ids(sub).stream().sorted().toList());
  }

  @Test
  void distanceMatchesTheModelRunDirectly() throws Exception {
    JsonNode same =
        json(s.post("/api/distance", multipart("a", s.bytes("scene-4"), "b", s.bytes("scene-4"))));
    assertEquals(0, same.get("distance").asDouble(), 1e-4);
    JsonNode body =
        json(s.post("/api/distance", multipart("a", s.bytes("scene-4"), "b", s.bytes("scene-5"))));
    // independent path: the pipeline and embedder called directly on the files
    ImagePipeline pipeline = new ImagePipeline();
    float[][] v =
        s.embedder.embed(
            List.of(
                pipeline.prepare(s.files.get("scene-4")).tensor(),
                pipeline.prepare(s.files.get("scene-5")).tensor()));
    double dot = 0;
    for (int i = 0; i < v[0].length; i++) dot += v[0][i] * v[1][i];
    assertEquals(1 - dot, body.get("distance").asDouble(), 1e-4);
    assertTrue(body.get("distance").asDouble() > 0.001);
  }

  @Test
  void nearDuplicatesOfAnUpload() throws Exception {
    // threshold 0: only the identical image (and its byte-identical copy when it is the query)
    JsonNode exact =
        json(s.post("/api/duplicates?threshold=0.001", multipart("image", s.bytes("scene-1"))));
    assertEquals(
        List.of(s.id("scene-1"), s.id("scene-1-copy")).stream().sorted().toList(),
        TestServer.ids(exact.get("results")).stream().sorted().toList());
    assertEquals(0.001, exact.get("threshold").asDouble(), 1e-6);
    // a generous threshold reaches the resized copy of scene-0
    double toSmall = distanceBetween("scene-0", "scene-0-small");
    JsonNode loose =
        json(
            s.post(
                "/api/duplicates?threshold=" + (toSmall + 0.001),
                multipart("image", s.bytes("scene-0"))));
    assertTrue(
        TestServer.ids(loose.get("results")).contains(s.id("scene-0-small")), loose.toString());
  }

  @Test
  void duplicateGroupsOfTheLibrary() throws Exception {
    double toSmall = distanceBetween("scene-0", "scene-0-small");
    HttpResponse<byte[]> response = s.get("/api/duplicates?threshold=" + (toSmall + 1e-4));
    assertEquals(200, response.statusCode(), new String(response.body(), StandardCharsets.UTF_8));
    JsonNode body = json(response);
    Map<String, JsonNode> byKeeper = new HashMap<>();
    body.get("groups").forEach(g -> byKeeper.put(g.get("keeper").asText(), g));
    // the byte-identical copy and the resized copy; the keeper is the larger image (then the larger
    // file)
    JsonNode resized = byKeeper.get(s.id("scene-0"));
    assertEquals(
        List.of(s.id("scene-0"), s.id("scene-0-small")),
        TestServer.ids(resized.get("members")),
        body.toString());
    assertEquals(
        Files.size(s.files.get("scene-0-small")),
        resized.get("members").get(1).get("bytes").asLong());
    JsonNode copies =
        byKeeper.values().stream()
            .filter(g -> TestServer.ids(g.get("members")).contains(s.id("scene-1")))
            .findFirst()
            .orElseThrow();
    assertEquals(
        Set.of(s.id("scene-1"), s.id("scene-1-copy")),
        Set.copyOf(TestServer.ids(copies.get("members"))));
    assertEquals(0, copies.get("members").get(1).get("distance").asDouble(), 1e-6);
    for (JsonNode g : body.get("groups")) {
      assertTrue(g.get("members").size() >= 2);
      assertEquals(g.get("keeper").asText(), g.get("members").get(0).get("id").asText());
    }
    // paging: one group per page, and past the end is empty, not an error
    JsonNode first = json(s.get("/api/duplicates?threshold=" + (toSmall + 1e-4) + "&page_size=1"));
    assertEquals(body.get("total_groups").asInt(), first.get("pages").asInt());
    assertEquals(1, first.get("groups").size());
    assertEquals(0, json(s.get("/api/duplicates?page=99")).get("groups").size());
  }

  @Test
  void originalFileByIdWithItsContentType() throws Exception {
    HttpResponse<byte[]> jpeg = s.get("/api/images/" + s.id("scene-0"));
    assertEquals(200, jpeg.statusCode());
    assertEquals("image/jpeg", jpeg.headers().firstValue("Content-Type").orElseThrow());
    assertArrayEquals(s.bytes("scene-0"), jpeg.body());
    HttpResponse<byte[]> png = s.get("/api/images/" + s.id("scene-1"));
    assertEquals("image/png", png.headers().firstValue("Content-Type").orElseThrow());
    assertArrayEquals(s.bytes("scene-1"), png.body());
  }

  @Test
  void thumbnailsAreOrientedSizedAndCached() throws Exception {
    // 120 is rounded up to the next of the fixed sizes, 128
    HttpResponse<byte[]> response = s.get("/api/images/" + s.id("rotated") + "/thumbnail?size=120");
    assertEquals(200, response.statusCode(), new String(response.body(), StandardCharsets.UTF_8));
    assertEquals("image/jpeg", response.headers().firstValue("Content-Type").orElseThrow());
    BufferedImage thumbnail = ImageIO.read(new ByteArrayInputStream(response.body()));
    assertEquals(
        128, thumbnail.getWidth()); // stored 200x300 sideways, shown 300x200: landscape after EXIF
    assertEquals(85, thumbnail.getHeight());
    String hash = s.index.get(s.id("rotated")).orElseThrow().hash();
    try (Stream<Path> cached = Files.list(s.thumbnailDir)) {
      assertTrue(cached.anyMatch(p -> p.getFileName().toString().equals(hash + "-128.jpg")));
    }
    BufferedImage standard =
        ImageIO.read(
            new ByteArrayInputStream(
                s.get("/api/images/" + s.id("scene-3") + "/thumbnail").body()));
    assertEquals(256, standard.getWidth());
    assertEquals(192, standard.getHeight());
  }

  @Test
  void metricsInPrometheusFormat() throws Exception {
    s.get("/api/search?id=" + s.id("scene-0"));
    s.post("/api/search", multipart("image", s.bytes("scene-6")));
    HttpResponse<byte[]> response = s.get("/metrics");
    assertEquals(200, response.statusCode());
    assertTrue(
        response.headers().firstValue("Content-Type").orElseThrow().startsWith("text/plain"));
    String text = new String(response.body(), StandardCharsets.UTF_8);
    assertTrue(
        text.contains(
            "dss_http_requests_total{method=\"GET\",route=\"/api/search\",status=\"200\"}"),
        text);
    assertTrue(
        text.contains(
            "dss_http_request_seconds_bucket{method=\"POST\",route=\"/api/search\",le=\"+Inf\"}"),
        text);
    assertTrue(text.matches("(?s).*\\ndss_model_seconds_count [1-9].*"), text);
    assertTrue(text.matches("(?s).*\ndss_index_documents " + s.files.size() + "(\\.0)?\n.*"), text);
    // what the registry's binders add: JVM memory, threads, process uptime, Jetty's connections
    for (String meter :
        new String[] {
          "jvm_memory_used_bytes{",
          "jvm_threads_live_threads",
          "process_uptime_seconds",
          "jetty_connections_current_connections"
        }) {
      assertTrue(text.contains("\n" + meter), meter + " in " + text);
    }
  }

  @Test
  void openApiDescribesEveryRoute() throws Exception {
    HttpResponse<byte[]> response = s.get("/openapi.json");
    assertEquals(200, response.statusCode());
    JsonNode paths = json(response).get("paths");
    List<String> routes =
        s.server.routes(); // what the server really answers, not a list kept by hand
    assertTrue(routes.contains("POST /api/check"), "the registered routes are read: " + routes);
    for (String route : routes) {
      String method = route.substring(0, route.indexOf(' ')).toLowerCase(java.util.Locale.ROOT);
      String path = route.substring(route.indexOf(' ') + 1);
      assertTrue(paths.has(path) && paths.get(path).has(method), "the description lacks " + route);
    }
    // the answers the file routes give besides 200 (ServedFilesTest, ThumbnailTest,
    // BusyUploadsTest)
    JsonNode original = paths.get("/api/images/{id}").get("get").get("responses");
    JsonNode thumbnail = paths.get("/api/images/{id}/thumbnail").get("get").get("responses");
    for (String status : List.of("404", "409"))
      assertTrue(original.has(status), "original " + status);
    for (String status : List.of("304", "400", "404", "409", "503")) {
      assertTrue(thumbnail.has(status), "thumbnail " + status);
    }
    assertTrue(thumbnail.get("200").get("headers").has("ETag"));
  }

  @Test
  void pageIsServedAtTheRoot() throws Exception {
    HttpResponse<byte[]> page = s.get("/");
    assertEquals(200, page.statusCode());
    assertTrue(
        new String(page.body(), StandardCharsets.UTF_8).contains("<title>DreamSim search</title>"));
    assertEquals(200, s.get("/app.js").statusCode());
  }

  @Test
  void addAndDeleteWithTheToken() throws Exception {
    byte[] image = TestImages.encode(TestImages.scene(42, 400, 300), "jpeg");
    HttpResponse<byte[]> added =
        s.post(
            "/api/images",
            multipart("image", image, "path", "new/added.jpg"),
            "Authorization",
            "Bearer " + TestServer.TOKEN);
    assertEquals(201, added.statusCode(), new String(added.body(), StandardCharsets.UTF_8));
    JsonNode body = json(added);
    String id = body.get("id").asText();
    assertEquals(
        s.uploadDir.resolve("new/added.jpg").toAbsolutePath().toString(),
        body.get("path").asText());
    assertArrayEquals(image, Files.readAllBytes(s.uploadDir.resolve("new/added.jpg")));
    JsonNode found = json(s.post("/api/search?k=1", multipart("image", image))).get("results");
    assertEquals(id, found.get(0).get("id").asText());
    assertEquals(0, found.get(0).get("distance").asDouble(), 1e-3);

    HttpResponse<byte[]> deleted =
        s.send(
            HttpRequest.newBuilder(s.uri("/api/images/" + id))
                .DELETE()
                .header("Authorization", "Bearer " + TestServer.TOKEN));
    assertEquals(200, deleted.statusCode(), new String(deleted.body(), StandardCharsets.UTF_8));
    assertEquals(404, s.get("/api/images/" + id).statusCode());
    assertEquals(s.files.size(), json(s.get("/api/health")).get("images").asInt());
  }

  @Test
  void theFullCheckOnDemandNeedsTheTokenAndReportsAHealthyIndex() throws Exception {
    assertEquals(
        401,
        s.send(
                HttpRequest.newBuilder(s.uri("/api/check"))
                    .POST(HttpRequest.BodyPublishers.noBody()))
            .statusCode());
    HttpResponse<byte[]> full =
        s.send(
            HttpRequest.newBuilder(s.uri("/api/check"))
                .POST(HttpRequest.BodyPublishers.noBody())
                .header("Authorization", "Bearer " + TestServer.TOKEN));
    assertEquals(200, full.statusCode(), new String(full.body(), StandardCharsets.UTF_8));
    JsonNode report = json(full);
    assertEquals("full", report.get("level").asText());
    assertTrue(report.get("healthy").asBoolean());
    assertEquals(s.files.size(), report.get("documents").asInt());
    assertTrue(report.get("bytes_verified").asLong() > 0, report.toString());
    assertTrue(
        !new String(full.body(), StandardCharsets.UTF_8)
            .contains(s.uploadDir.getParent().toString()),
        "no server path in the answer");
  }

  @Test
  void writesAreRefusedWithoutTheRightToken() throws Exception {
    byte[] image = s.bytes("scene-0");
    HttpResponse<byte[]> none = s.post("/api/images", multipart("image", image));
    assertEquals(401, none.statusCode());
    assertEquals("Bearer", none.headers().firstValue("WWW-Authenticate").orElseThrow());
    assertEquals(401, json(none).get("error").get("status").asInt());
    assertEquals(
        401,
        s.post("/api/images", multipart("image", image), "Authorization", "Bearer wrong")
            .statusCode());
    assertEquals(
        401,
        s.post("/api/images", multipart("image", image), "Authorization", "Basic abc")
            .statusCode());
    HttpResponse<byte[]> delete =
        s.send(
            HttpRequest.newBuilder(s.uri("/api/images/" + s.id("scene-0")))
                .DELETE()
                .header("Authorization", "Bearer nope"));
    assertEquals(401, delete.statusCode());
    assertEquals(s.files.size(), json(s.get("/api/health")).get("images").asInt());
  }

  private static double distanceBetween(String a, String b) throws Exception {
    JsonNode results = json(s.get("/api/search?k=1000&id=" + s.id(a))).get("results");
    for (JsonNode r : results)
      if (r.get("id").asText().equals(s.id(b))) return r.get("distance").asDouble();
    throw new AssertionError(b + " not found");
  }

  private static void assertNearestFirst(JsonNode results) {
    for (int i = 1; i < results.size(); i++) {
      assertTrue(
          results.get(i - 1).get("distance").asDouble()
              <= results.get(i).get("distance").asDouble());
    }
  }

  private static String enc(String s) {
    return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8);
  }
}
