package dss.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dss.image.ImagePipeline;
import dss.index.ImageIndex;
import dss.index.ImageRecord;
import dss.index.IndexConfig;
import dss.index.lucene.LuceneIndex;
import dss.ingest.IngestPipeline;
import dss.model.Embedder;
import dss.model.TestModels;
import dss.web.SearchServer;
import dss.web.ServerContext;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One image, one vector: the checked-in test model gives a real image file the same embedding
 * (component-wise within 1e-6) through {@code dreamsim embed}, {@code dreamsim index} (the stored
 * vector), {@code POST /api/search} (the indexed file is the first hit at distance 0) and {@code
 * POST /api/images} (the new document's stored vector); and two images the same distance through
 * {@code dreamsim distance} and {@code POST /api/distance}.
 */
class SameVectorEverywhereTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOKEN = "same-vector-token";
  private static final double TOLERANCE = 1e-6;

  @TempDir Path tmp;

  @Test
  void oneImageHasOneVectorThroughTheCliAndTheServer() throws Exception {
    Path lib = Files.createDirectories(tmp.resolve("lib"));
    Path png = write(lib.resolve("scene.png"), scene(Color.ORANGE, Color.BLUE, 0), "png");
    Path jpeg = write(lib.resolve("other.jpg"), scene(Color.GREEN, Color.MAGENTA, 1), "jpeg");
    Path indexDir = tmp.resolve("index");

    // (a) dreamsim embed
    Map<Path, float[]> embedded = new LinkedHashMap<>();
    for (Path file : List.of(png, jpeg)) embedded.put(file, embed(file));
    assertEquals(1792, embedded.get(png).length);

    // (b) dreamsim index, then the stored vectors
    CliRun index =
        CliRun.of(
            "index",
            "--index",
            indexDir.toString(),
            "--model",
            "test",
            "--device",
            "cpu",
            lib.toString());
    assertEquals(0, index.status(), index.err());
    assertEquals(2, JSON.readTree(index.out()).get("added").asInt(), index.out());
    try (ImageIndex read = LuceneIndex.openReadOnly(indexDir);
        ImageIndex.Snapshot snapshot = read.snapshot()) {
      for (Path file : embedded.keySet()) {
        assertEquals(absolute(file), snapshot.get(id(file)).orElseThrow().path());
        assertClose(
            embedded.get(file),
            snapshot.vector(id(file)).orElseThrow(),
            file + " stored by dreamsim index");
      }
    }

    // distance of the two images on the command line
    CliRun distanceRun =
        CliRun.of(
            "distance", "--model", "test", "--device", "cpu", png.toString(), jpeg.toString());
    assertEquals(0, distanceRun.status(), distanceRun.err());
    double cliDistance = JSON.readTree(distanceRun.out()).get("distance").asDouble();
    assertTrue(cliDistance > 0.01, "two different images: " + cliDistance);

    // the server over that index, as `dreamsim serve --model test --device cpu --token ...` builds
    // it
    try (Embedder embedder = Embedder.open(TestModels.testModel(), "cpu", 0, 8);
        IngestPipeline ingest =
            new IngestPipeline(new ImagePipeline(ImagePipeline.DEFAULT_MAX_PIXELS), embedder);
        ImageIndex served = LuceneIndex.openShared(indexDir, embedder.info(), IndexConfig.DEFAULT);
        ServerContext context = new ServerContext(served, ingest);
        SearchServer server =
            SearchServer.start(
                context,
                new SearchServer.Options(
                    "127.0.0.1",
                    0,
                    TOKEN,
                    SearchServer.Options.DEFAULT_MAX_UPLOAD,
                    tmp.resolve("thumbnails"),
                    tmp.resolve("uploads")),
                () -> null)) {
      assertTrue(!served.readOnly(), "the server holds the writer (POST /api/images needs it)");
      HttpClient http = HttpClient.newHttpClient();
      String url = "http://127.0.0.1:" + server.port();
      for (Path file : embedded.keySet()) {
        // (c) POST /api/search with the same bytes: the indexed file first, at distance 0
        HttpResponse<String> search =
            http.send(
                multipart(url + "/api/search?k=2", Map.of("image", file), null),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, search.statusCode(), search.body());
        JsonNode first = JSON.readTree(search.body()).get("results").get(0);
        assertEquals(id(file), first.get("id").asText(), search.body());
        assertEquals(absolute(file), first.get("path").asText());
        assertTrue(
            Math.abs(first.get("distance").asDouble()) <= TOLERANCE,
            "distance to itself: " + first);

        // (d) POST /api/images with the same bytes: the new document's stored vector
        HttpResponse<String> added =
            http.send(
                multipart(url + "/api/images", Map.of("image", file), TOKEN),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(201, added.statusCode(), added.body());
        String addedId = JSON.readTree(added.body()).get("id").asText();
        assertTrue(
            !addedId.equals(id(file)),
            "a new document, stored under the upload folder: " + added.body());
        try (ImageIndex.Snapshot snapshot = served.snapshot()) {
          assertEquals(Files.size(file), snapshot.get(addedId).orElseThrow().size());
          assertClose(
              embedded.get(file),
              snapshot.vector(addedId).orElseThrow(),
              file + " stored by POST /api/images");
        }
      }

      // POST /api/distance of the two images: the command line's distance
      Map<String, Path> pair = new LinkedHashMap<>();
      pair.put("a", png);
      pair.put("b", jpeg);
      HttpResponse<String> distance =
          http.send(
              multipart(url + "/api/distance", pair, null), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, distance.statusCode(), distance.body());
      double apiDistance = JSON.readTree(distance.body()).get("distance").asDouble();
      assertEquals(cliDistance, apiDistance, TOLERANCE, "dreamsim distance vs POST /api/distance");
    }
  }

  private static String absolute(Path file) {
    return file.toAbsolutePath().normalize().toString();
  }

  private static String id(Path file) {
    return ImageRecord.idFor(absolute(file));
  }

  private static float[] embed(Path file) throws Exception {
    CliRun run = CliRun.of("embed", "--model", "test", "--device", "cpu", file.toString());
    assertEquals(0, run.status(), run.err());
    JsonNode embedding = JSON.readTree(run.out()).get("embedding");
    float[] v = new float[embedding.size()];
    for (int i = 0; i < v.length; i++) v[i] = (float) embedding.get(i).asDouble();
    return v;
  }

  private static void assertClose(float[] expected, float[] actual, String what) {
    assertEquals(expected.length, actual.length, what);
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual[i], TOLERANCE, what + ": component " + i);
    }
  }

  /** A photo-like picture: a gradient with shapes, different per seed. */
  private static BufferedImage scene(Color from, Color to, int seed) {
    BufferedImage image = new BufferedImage(400, 300, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setPaint(new GradientPaint(0, 0, from, 400, 300, to));
    g.fillRect(0, 0, 400, 300);
    g.setColor(seed == 0 ? Color.WHITE : Color.BLACK);
    g.fillOval(60 + 120 * seed, 50, 140, 140);
    g.setStroke(new BasicStroke(9));
    g.setColor(Color.DARK_GRAY);
    g.drawLine(0, 260 - 200 * seed, 400, 40 + 200 * seed);
    g.dispose();
    return image;
  }

  private static Path write(Path file, BufferedImage image, String format) throws Exception {
    assertTrue(ImageIO.write(image, format, file.toFile()), "no ImageIO writer for " + format);
    return file;
  }

  /** A multipart/form-data POST of files (field name to file), with a bearer token when given. */
  private static HttpRequest multipart(String url, Map<String, Path> files, String token)
      throws Exception {
    String boundary = "----dss" + UUID.randomUUID();
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    for (Map.Entry<String, Path> part : files.entrySet()) {
      String name = part.getValue().getFileName().toString();
      String type = name.endsWith(".png") ? "image/png" : "image/jpeg";
      body.write(
          ("--"
                  + boundary
                  + "\r\nContent-Disposition: form-data; name=\""
                  + part.getKey()
                  + "\"; filename=\""
                  + name
                  + "\"\r\nContent-Type: "
                  + type
                  + "\r\n\r\n")
              .getBytes(StandardCharsets.UTF_8));
      body.write(Files.readAllBytes(part.getValue()));
      body.write("\r\n".getBytes(StandardCharsets.UTF_8));
    }
    body.write(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url))
            .header("Content-Type", "multipart/form-data; boundary=" + boundary)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()));
    if (token != null) request.header("Authorization", "Bearer " + token);
    return request.build();
  }
}
