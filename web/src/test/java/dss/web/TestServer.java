package dss.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dss.image.ImagePipeline;
import dss.index.IndexConfig;
import dss.index.IndexSchema;
import dss.index.LibraryIndexer;
import dss.model.Embedder;
import dss.model.Models;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A real server for the tests: a folder of real JPEG/PNG files indexed by the real indexer with the checked-in test
 * model, a Lucene index on disk, the Javalin server on a free port, and a JDK HttpClient talking to it.
 */
final class TestServer implements AutoCloseable {
  static final String TOKEN = "s3cret-token";
  static final ObjectMapper JSON = new ObjectMapper();

  final Path libraryDir;
  final Path thumbnailDir;
  final Path uploadDir;
  final Map<String, Path> files = new LinkedHashMap<>(); // name -> file
  final Embedder embedder;
  final Library library;
  final SearchServer server;
  final HttpClient http = HttpClient.newHttpClient();

  /** Photos: scene-0..scene-7 (distinct), scene-0-small (scene-0 resized), scene-1-copy (byte-identical copy). */
  static TestServer start(Path tmp, String token, long maxUploadBytes) throws Exception {
    Path library = tmp.resolve("library");
    Map<String, Path> files = new LinkedHashMap<>();
    for (int i = 0; i < 8; i++) {
      files.put("scene-" + i, TestImages.write(library.resolve("scene-" + i + (i % 2 == 0 ? ".jpg" : ".png")),
          TestImages.encode(TestImages.scene(i, 640, 480), i % 2 == 0 ? "jpeg" : "png")));
    }
    files.put("scene-0-small", TestImages.write(library.resolve("sub/scene-0-small.jpg"),
        TestImages.encode(TestImages.resized(TestImages.scene(0, 640, 480), 320, 240), "jpeg")));
    files.put("scene-1-copy", TestImages.write(library.resolve("sub/scene-1-copy.png"),
        Files.readAllBytes(files.get("scene-1"))));
    // EXIF orientation 6 (stored sideways, shown upright as 300x200): the thumbnail must come out landscape
    files.put("rotated", TestImages.write(library.resolve("rotated.jpg"), Files.readAllBytes(
        Models.root().resolve("engine/src/test/resources/images/exif/orientation-6.jpg"))));
    return new TestServer(tmp, library, files, token, maxUploadBytes);
  }

  private TestServer(Path tmp, Path libraryDir, Map<String, Path> files, String token, long maxUploadBytes)
      throws Exception {
    this.libraryDir = libraryDir;
    this.files.putAll(files);
    this.thumbnailDir = tmp.resolve("thumbnails");
    this.uploadDir = tmp.resolve("uploads");
    this.embedder = Embedder.open(Models.testModel(), "cpu", 1, 4);
    this.library = Library.open(tmp.resolve("index"), embedder, new ImagePipeline(), IndexConfig.DEFAULT);
    var indexed = new LibraryIndexer(library.writer().orElseThrow(), library.pipeline(), embedder,
        LibraryIndexer.Options.defaults(List.of(libraryDir))).run(f -> {
          throw new AssertionError("fixture failed to index: " + f);
        });
    if (indexed.added() != files.size()) throw new AssertionError("indexed " + indexed);
    library.refreshNow();
    this.server = SearchServer.start(library, new SearchServer.Options("127.0.0.1", 0, token, maxUploadBytes,
        thumbnailDir, uploadDir), () -> null);
  }

  String id(String name) {
    return IndexSchema.idFor(files.get(name).toAbsolutePath().normalize().toString());
  }

  URI uri(String pathAndQuery) {
    return URI.create("http://127.0.0.1:" + server.port() + pathAndQuery);
  }

  HttpResponse<byte[]> send(HttpRequest.Builder request) throws IOException, InterruptedException {
    return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  HttpResponse<byte[]> get(String pathAndQuery) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(uri(pathAndQuery)));
  }

  /** A multipart/form-data body: each part is a file (byte[]) or a text field (String). */
  static Multipart multipart(Object... nameValue) {
    String boundary = "----dss" + UUID.randomUUID();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < nameValue.length; i += 2) {
      String name = (String) nameValue[i];
      out.writeBytes(("--" + boundary + "\r\n").getBytes(StandardCharsets.UTF_8));
      if (nameValue[i + 1] instanceof byte[] bytes) {
        out.writeBytes(("Content-Disposition: form-data; name=\"" + name + "\"; filename=\"" + name
            + ".bin\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        out.writeBytes(bytes);
      } else {
        out.writeBytes(("Content-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + nameValue[i + 1])
            .getBytes(StandardCharsets.UTF_8));
      }
      out.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
    }
    out.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
    return new Multipart("multipart/form-data; boundary=" + boundary, out.toByteArray());
  }

  record Multipart(String contentType, byte[] body) {}

  HttpResponse<byte[]> post(String pathAndQuery, Multipart form, String... headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri(pathAndQuery)).header("Content-Type", form.contentType())
        .POST(HttpRequest.BodyPublishers.ofByteArray(form.body()));
    if (headers.length > 0) request.headers(headers);
    return send(request);
  }

  HttpResponse<byte[]> postRaw(String pathAndQuery, String contentType, byte[] body)
      throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(uri(pathAndQuery)).header("Content-Type", contentType)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
  }

  static JsonNode json(HttpResponse<byte[]> response) throws IOException {
    return JSON.readTree(response.body());
  }

  static List<String> ids(JsonNode results) {
    List<String> ids = new ArrayList<>();
    results.forEach(r -> ids.add(r.get("id").asText()));
    return ids;
  }

  byte[] bytes(String name) throws IOException {
    return Files.readAllBytes(files.get(name));
  }

  @Override public void close() throws Exception {
    server.close();
    library.close();
    embedder.close();
  }
}
