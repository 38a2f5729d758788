package dss.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dss.index.ImageRecord;
import dss.model.LazyEmbedder;
import dss.model.ModelSource;
import dss.model.TestModels;
import dss.search.Library;
import dss.web.SearchServer;
import dss.web.ServerContext;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One order of hits through the command line and the HTTP API, with three byte-identical copies of
 * one photo in the library: a search by a copy's id gives that copy first, then the other copies by
 * id; a search with the photo's bytes gives the three copies by id. The copies' ids are fixed by
 * their paths, so the expected order is written here from the ids, not from any answer.
 */
class HitOrderTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  @Test
  void theQueryImageComesFirstAndCopiesFollowByIdInTheCliAndTheApi() throws Exception {
    Path lib = Files.createDirectories(tmp.resolve("lib"));
    Path original = lib.resolve("photo.png");
    ImageIO.write(picture(Color.ORANGE, 0), "png", original.toFile());
    for (String copy : List.of("a/photo-copy.png", "b/photo-again.png")) {
      Files.createDirectories(lib.resolve(copy).getParent());
      Files.copy(original, lib.resolve(copy));
    }
    for (int i = 1; i <= 4; i++)
      ImageIO.write(
          picture(new Color(40 * i, 90, 200 - 30 * i), i),
          "png",
          lib.resolve("other-" + i + ".png").toFile());
    String index = tmp.resolve("index").toString();
    CliRun indexed =
        CliRun.of("index", "--index", index, "--model", "test", "--device", "cpu", lib.toString());
    assertEquals(0, indexed.status(), indexed.err());

    List<String> copies = new ArrayList<>();
    for (String p : List.of("photo.png", "a/photo-copy.png", "b/photo-again.png")) {
      copies.add(ImageRecord.idFor(lib.resolve(p).toAbsolutePath().normalize().toString()));
    }
    List<String> byId = copies.stream().sorted().toList();

    // the command line: each copy by its id, and the photo by its bytes
    for (String own : copies) {
      CliRun run = CliRun.of("search", "--index", index, "--id", own, "-k", "3");
      assertEquals(0, run.status(), run.err());
      assertEquals(
          expectedFor(own, byId),
          ids(JSON.readTree(run.out()).get("results")),
          "search --id " + own);
    }
    CliRun byFile = CliRun.of("search", "--index", index, "-k", "3", original.toString());
    assertEquals(0, byFile.status(), byFile.err());
    assertEquals(
        byId, ids(JSON.readTree(byFile.out()).get("results")), "search FILE: the copies by id");

    // the HTTP API, over the index opened as `serve` opens it
    ModelSource testModel =
        recorded -> new LazyEmbedder(TestModels.models().testModel(), "cpu", 1, 4);
    try (Library library =
            Library.open(index, Library.Access.SHARED, testModel, Library.Options.defaults());
        ServerContext context = new ServerContext(library.index(), library.ingest());
        SearchServer server =
            SearchServer.start(
                context,
                new SearchServer.Options(
                    "127.0.0.1",
                    0,
                    null,
                    SearchServer.Options.DEFAULT_MAX_UPLOAD,
                    tmp.resolve("thumbnails"),
                    tmp.resolve("uploads")),
                () -> null)) {
      HttpClient http = HttpClient.newHttpClient();
      String url = "http://127.0.0.1:" + server.port();
      for (String own : copies) {
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(URI.create(url + "/api/search?k=3&id=" + own)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(
            expectedFor(own, byId),
            ids(JSON.readTree(r.body()).get("results")),
            "GET /api/search " + own);
      }
      HttpResponse<String> upload =
          http.send(
              HttpRequest.newBuilder(URI.create(url + "/api/search?k=3"))
                  .header("Content-Type", "image/png")
                  .POST(HttpRequest.BodyPublishers.ofFile(original))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(200, upload.statusCode(), upload.body());
      assertEquals(
          byId,
          ids(JSON.readTree(upload.body()).get("results")),
          "POST /api/search: the copies by id");
    }
  }

  /** The query's own image, then the other copies in id order. */
  private static List<String> expectedFor(String own, List<String> byId) {
    List<String> expected = new ArrayList<>(List.of(own));
    byId.stream().filter(id -> !id.equals(own)).forEach(expected::add);
    return expected;
  }

  private static List<String> ids(JsonNode results) {
    List<String> ids = new ArrayList<>();
    results.forEach(r -> ids.add(r.get("id").asText()));
    return ids;
  }

  private static BufferedImage picture(Color colour, int seed) {
    BufferedImage image = new BufferedImage(320, 240, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setColor(colour);
    g.fillRect(0, 0, 320, 240);
    g.setColor(seed % 2 == 0 ? Color.WHITE : Color.BLACK);
    g.fillOval(30 + 40 * seed, 40, 120, 120);
    g.dispose();
    return image;
  }
}
