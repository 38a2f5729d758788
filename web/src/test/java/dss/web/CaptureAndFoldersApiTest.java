package dss.web;

import static dss.web.TestClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dss.index.ImageRecord;
import dss.model.TestModels;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The listing and search answers carry each image's capture date, camera, size, file date and
 * folder; the capture-date orders page by number and by cursor; the folder tree counts images under
 * the --library folder and filters the listing by a relative folder; /api/stats publishes the
 * server's limits and which writes it takes. A real server over real camera files (from
 * ianare/exif-samples, values read with Pillow: see dss.image.CaptureTest).
 */
class CaptureAndFoldersApiTest {
  @TempDir static Path tmp;
  static TestServer s;
  static Path lib;

  @BeforeAll
  static void start() throws Exception {
    lib = tmp.resolve("photos");
    Path capture = TestModels.root().resolve("engine/src/test/resources/capture");
    copy(capture.resolve("Canon_40D.jpg"), lib.resolve("2019/Canon_40D.jpg"), 1_000);
    copy(capture.resolve("IMG_5195.HEIC"), lib.resolve("2019/trip/IMG_5195.HEIC"), 2_000);
    copy(capture.resolve("Nikon_D70.jpg"), lib.resolve("Nikon_D70.jpg"), 3_000);
    // undated (no EXIF): after the dated ones, by file date
    TestImages.write(
        lib.resolve("misc/old.png"), TestImages.encode(TestImages.scene(1, 64, 48), "png"));
    Files.setLastModifiedTime(lib.resolve("misc/old.png"), FileTime.fromMillis(10_000_000L));
    TestImages.write(lib.resolve("new.png"), TestImages.encode(TestImages.scene(2, 64, 48), "png"));
    Files.setLastModifiedTime(lib.resolve("new.png"), FileTime.fromMillis(20_000_000L));
    s =
        new TestServer.Builder(tmp.resolve("server"))
            .withoutFixtures()
            .token(TestServer.TOKEN)
            .backgroundLibrary(List.of(lib))
            .start();
    assertEquals(5, s.awaitBackgroundRun().added());
    s.awaitRefresh();
  }

  @AfterAll
  static void stop() throws Exception {
    s.close();
  }

  private static void copy(Path from, Path to, long mtimeSeconds) throws Exception {
    Files.createDirectories(to.getParent());
    Files.copy(from, to);
    Files.setLastModifiedTime(to, FileTime.fromMillis(mtimeSeconds * 1000));
  }

  private static String id(String relative) {
    return ImageRecord.idFor(lib.resolve(relative).toAbsolutePath().normalize().toString());
  }

  private static List<String> names(JsonNode images) {
    List<String> out = new ArrayList<>();
    for (JsonNode i : images) out.add(Path.of(i.get("path").asText()).getFileName().toString());
    return out;
  }

  private static JsonNode get(String path) throws Exception {
    HttpResponse<byte[]> r = s.get(path);
    assertEquals(200, r.statusCode(), path + ": " + new String(r.body(), StandardCharsets.UTF_8));
    return json(r);
  }

  @Test
  void listedImagesCarryCaptureCameraSizeDateAndFolder() throws Exception {
    JsonNode images = get("/api/images?sort=taken").get("images");
    JsonNode heic = images.get(0);
    assertEquals("IMG_5195.HEIC", Path.of(heic.get("path").asText()).getFileName().toString());
    assertEquals("2021-04-11T15:47:53-05:00", heic.get("taken_at").asText());
    assertEquals("Apple", heic.get("camera_make").asText());
    assertEquals("iPhone 11 Pro Max", heic.get("camera_model").asText());
    assertEquals("2019/trip", heic.get("folder").asText());
    assertEquals(Files.size(lib.resolve("2019/trip/IMG_5195.HEIC")), heic.get("size").asLong());
    assertEquals("1970-01-01T00:33:20Z", heic.get("modified").asText()); // 2000 s
    JsonNode canon = images.get(1);
    assertEquals("2008-05-30T15:56:01", canon.get("taken_at").asText());
    assertEquals("Canon EOS 40D", canon.get("camera_model").asText());
    assertEquals("2019", canon.get("folder").asText());
    // Canon_40D.jpg is a 100x68 thumbnail-sized JPEG (Pillow: Image.open(f).size)
    assertEquals(100, canon.get("width").asInt());
    assertEquals(68, canon.get("height").asInt());
    JsonNode undated = images.get(3);
    assertTrue(undated.has("taken_at") && undated.get("taken_at").isNull(), undated.toString());
    assertTrue(undated.get("camera_make").isNull());
    assertTrue(undated.get("camera_model").isNull());
    assertEquals("", undated.get("folder").asText()); // new.png, at the root
    assertEquals("misc", images.get(4).get("folder").asText());
    // a search result carries the same fields
    JsonNode hit = get("/api/search?k=1&id=" + id("2019/Canon_40D.jpg")).get("results").get(0);
    assertEquals("2008-05-30T15:56:01", hit.get("taken_at").asText());
    assertEquals("Canon", hit.get("camera_make").asText());
    assertEquals("2019", hit.get("folder").asText());
  }

  @Test
  void captureDateOrdersPageByNumberAndByCursor() throws Exception {
    List<String> taken =
        List.of("IMG_5195.HEIC", "Canon_40D.jpg", "Nikon_D70.jpg", "new.png", "old.png");
    List<String> oldest =
        List.of("Nikon_D70.jpg", "Canon_40D.jpg", "IMG_5195.HEIC", "old.png", "new.png");
    for (String sort : List.of("taken", "taken_oldest")) {
      List<String> expected = sort.equals("taken") ? taken : oldest;
      JsonNode all = get("/api/images?sort=" + sort);
      assertEquals(sort, all.get("sort").asText());
      assertEquals(expected, names(all.get("images")), sort);
      assertEquals(
          expected.subList(2, 4),
          names(get("/api/images?sort=" + sort + "&page=2&page_size=2").get("images")));
      List<String> byCursor = new ArrayList<>();
      String next = null;
      do {
        JsonNode page =
            get(
                "/api/images?sort="
                    + sort
                    + "&page_size=2"
                    + (next == null ? "" : "&after=" + next));
        byCursor.addAll(names(page.get("images")));
        next = page.get("next").isNull() ? null : page.get("next").asText();
      } while (next != null);
      assertEquals(expected, byCursor, sort + " by cursor");
    }
    HttpResponse<byte[]> bad = s.get("/api/images?sort=captured");
    assertEquals(400, bad.statusCode());
    assertTrue(new String(bad.body(), StandardCharsets.UTF_8).contains("taken_oldest"));
  }

  @Test
  void folderTreeCountsImagesAndFiltersTheListing() throws Exception {
    JsonNode roots = get("/api/folders").get("roots");
    assertEquals(1, roots.size(), roots.toString()); // the empty upload folder is not listed
    JsonNode root = roots.get(0);
    assertEquals(lib.toAbsolutePath().normalize().toString(), root.get("path").asText());
    assertEquals("photos", root.get("name").asText());
    assertEquals("", root.get("folder").asText());
    assertEquals(5, root.get("count").asInt());
    JsonNode children = root.get("children");
    assertEquals(2, children.size(), children.toString());
    assertEquals("2019", children.get(0).get("folder").asText());
    assertEquals(2, children.get(0).get("count").asInt());
    assertEquals("2019/trip", children.get(0).get("children").get(0).get("folder").asText());
    assertEquals("trip", children.get(0).get("children").get(0).get("name").asText());
    assertEquals(1, children.get(0).get("children").get(0).get("count").asInt());
    assertEquals("misc", children.get(1).get("folder").asText());
    assertEquals(1, children.get(1).get("count").asInt());

    assertEquals(2, get("/api/images?folder=2019").get("total").asInt());
    assertEquals(
        List.of("IMG_5195.HEIC"), names(get("/api/images?folder=2019/trip").get("images")));
    String absolute = lib.resolve("2019").toAbsolutePath().normalize().toString();
    assertEquals(
        2,
        get("/api/images?folder=" + URLEncoder.encode(absolute, StandardCharsets.UTF_8))
            .get("total")
            .asInt());
    HttpResponse<byte[]> unknown = s.get("/api/images?folder=2020");
    assertEquals(400, unknown.statusCode());
    assertTrue(new String(unknown.body(), StandardCharsets.UTF_8).contains("folder"));
  }

  @Test
  void statsPublishTheLimitsAndTheWrites() throws Exception {
    JsonNode stats = get("/api/stats");
    JsonNode limits = stats.get("limits");
    // the values the server enforces (Params, ListingHandler, DuplicateGroupsHandler,
    // DuplicateFinder)
    assertEquals(0.1, limits.get("duplicate_threshold").asDouble(), 1e-6);
    assertEquals(20, limits.get("k_default").asInt());
    assertEquals(1000, limits.get("k_max").asInt());
    assertEquals(60, limits.get("page_size_default").asInt());
    assertEquals(500, limits.get("page_size_max").asInt());
    assertEquals(50, limits.get("duplicate_groups_page_size_default").asInt());
    assertEquals(SearchServer.Options.DEFAULT_MAX_UPLOAD, limits.get("max_upload_bytes").asLong());
    assertEquals(224, limits.get("model_input_side").asInt());
    assertEquals("[128,256,512,1024]", limits.get("thumbnail_sizes").toString());
    JsonNode writes = stats.get("writes");
    assertTrue(writes.get("enabled").asBoolean());
    assertEquals(false, writes.get("quarantine").asBoolean()); // no --quarantine
    assertTrue(writes.get("add_to_library").asBoolean());
    // what the limits say is what the server enforces
    assertEquals(
        400,
        s.get("/api/images?page_size=" + (limits.get("page_size_max").asInt() + 1)).statusCode());
    assertEquals(
        400,
        s.get("/api/search?id=" + id("new.png") + "&k=" + (limits.get("k_max").asInt() + 1))
            .statusCode());
  }
}
