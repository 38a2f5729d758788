package dss.web;

import static dss.web.TestServer.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /api/images}: the library listing on a real server over a real index, its orders
 * checked against the files on disk (their paths and modification times), paging, the prefix
 * filter, revalidation and bad parameters.
 */
class ListingApiTest {
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

  record OnDisk(String path, long mtime) {}

  static List<OnDisk> onDisk() throws Exception {
    List<OnDisk> files = new ArrayList<>();
    for (Path f : s.files.values()) {
      files.add(
          new OnDisk(
              f.toAbsolutePath().normalize().toString(), Files.getLastModifiedTime(f).toMillis()));
    }
    return files;
  }

  static List<String> paths(JsonNode body) {
    List<String> paths = new ArrayList<>();
    body.get("images").forEach(i -> paths.add(i.get("path").asText()));
    return paths;
  }

  @Test
  void newestFirstByDefaultWithTheItemFields() throws Exception {
    JsonNode body = json(s.get("/api/images"));
    assertEquals(s.files.size(), body.get("total").asInt());
    assertEquals(1, body.get("page").asInt());
    assertEquals(60, body.get("page_size").asInt());
    List<String> expected =
        onDisk().stream()
            .sorted(Comparator.comparingLong(OnDisk::mtime).reversed().thenComparing(OnDisk::path))
            .map(OnDisk::path)
            .toList();
    assertEquals(expected, paths(body));
    JsonNode rotated = null;
    for (JsonNode i : body.get("images"))
      if (i.get("id").asText().equals(s.id("rotated"))) rotated = i;
    assertEquals(300, rotated.get("width").asInt()); // upright size
    assertEquals(200, rotated.get("height").asInt());
    assertEquals("jpeg", rotated.get("format").asText());
    assertEquals(Files.size(s.files.get("rotated")), rotated.get("size").asLong());
    assertEquals(
        Files.getLastModifiedTime(s.files.get("rotated")).toMillis(),
        rotated.get("mtime").asLong());
    assertEquals(
        "/api/images/" + s.id("rotated") + "/thumbnail", rotated.get("thumbnail").asText());
    assertFalse(rotated.has("distance"), "a listing has no distances");
  }

  @Test
  void oldestAndPathOrdersPageThroughEverythingOnce() throws Exception {
    List<String> byTime =
        onDisk().stream()
            .sorted(Comparator.comparingLong(OnDisk::mtime).thenComparing(OnDisk::path))
            .map(OnDisk::path)
            .toList();
    List<String> byPath = onDisk().stream().map(OnDisk::path).sorted().toList();
    for (var sortAndExpected : List.of(List.of("oldest", byTime), List.of("path", byPath))) {
      List<String> seen = new ArrayList<>();
      for (int page = 1; page <= 3; page++) {
        JsonNode body =
            json(s.get("/api/images?page_size=4&page=" + page + "&sort=" + sortAndExpected.get(0)));
        assertEquals(s.files.size(), body.get("total").asInt());
        assertEquals(page < 3 ? 4 : s.files.size() - 8, body.get("images").size());
        seen.addAll(paths(body));
      }
      assertEquals(sortAndExpected.get(1), seen, "sort=" + sortAndExpected.get(0));
    }
    JsonNode beyond = json(s.get("/api/images?page=9&page_size=4"));
    assertEquals(s.files.size(), beyond.get("total").asInt());
    assertEquals(0, beyond.get("images").size());
  }

  @Test
  void cursorPagesFollowNextThroughEveryOrder() throws Exception {
    List<String> byTime =
        onDisk().stream()
            .sorted(Comparator.comparingLong(OnDisk::mtime).thenComparing(OnDisk::path))
            .map(OnDisk::path)
            .toList();
    List<String> byPath = onDisk().stream().map(OnDisk::path).sorted().toList();
    for (var sortAndExpected : List.of(List.of("oldest", byTime), List.of("path", byPath))) {
      List<String> seen = new ArrayList<>();
      String next = null;
      int pages = 0;
      do {
        String url =
            "/api/images?page_size=4&sort="
                + sortAndExpected.get(0)
                + "&page="
                + (pages + 1)
                + (next == null ? "" : "&after=" + next);
        JsonNode body = json(s.get(url));
        assertEquals(s.files.size(), body.get("total").asInt());
        assertEquals(pages + 1, body.get("page").asInt(), "the page number is echoed");
        seen.addAll(paths(body));
        next = body.get("next").isNull() ? null : body.get("next").asText();
        pages++;
      } while (next != null && pages < 10);
      assertEquals(sortAndExpected.get(1), seen, "sort=" + sortAndExpected.get(0));
      assertEquals((s.files.size() + 3) / 4, pages, "the last page has no next");
    }
    TestClient.assertError(s.get("/api/images?after=%25%25"), 400, "after: not a listing cursor");
    TestClient.assertError(
        s.get("/api/images?after=bm90aGluZw"), 400, "after: not a listing cursor");
  }

  @Test
  void pathPrefixFiltersAndCounts() throws Exception {
    String sub = s.libraryDir.toAbsolutePath().normalize() + "/sub/";
    JsonNode body =
        json(
            s.get(
                "/api/images?sort=path&path_prefix="
                    + URLEncoder.encode(sub, StandardCharsets.UTF_8)));
    assertEquals(2, body.get("total").asInt());
    assertEquals(List.of(sub + "scene-0-small.jpg", sub + "scene-1-copy.png"), paths(body));
  }

  @Test
  void revalidatesWithTheETagUntilTheIndexChanges() throws Exception {
    HttpResponse<byte[]> first = s.get("/api/images?page_size=3");
    String etag = first.headers().firstValue("ETag").orElseThrow();
    assertEquals("private, no-cache", first.headers().firstValue("Cache-Control").orElseThrow());
    HttpResponse<byte[]> again =
        s.send(
            HttpRequest.newBuilder(s.uri("/api/images?page_size=3")).header("If-None-Match", etag));
    assertEquals(304, again.statusCode());
    assertEquals(0, again.body().length);
    HttpResponse<byte[]> otherPage =
        s.send(
            HttpRequest.newBuilder(s.uri("/api/images?page_size=3&page=2"))
                .header("If-None-Match", etag));
    assertEquals(200, otherPage.statusCode(), "another page has another ETag");
  }

  @Test
  void badParametersAreRefusedByName() throws Exception {
    TestClient.assertError(
        s.get("/api/images?page_size=0"), 400, "page_size must be between 1 and 500");
    TestClient.assertError(s.get("/api/images?page_size=501"), 400, "page_size");
    TestClient.assertError(s.get("/api/images?page=0"), 400, "page must be between 1");
    TestClient.assertError(s.get("/api/images?page=x"), 400, "page must be an integer");
    TestClient.assertError(
        s.get("/api/images?sort=biggest"),
        400,
        "sort must be newest, oldest, path, taken or taken_oldest");
    assertTrue(
        json(s.get("/api/images?sort=PATH")).get("total").asInt() > 0, "sort is case-insensitive");
  }
}
