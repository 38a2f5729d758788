package dss.web;

import dss.model.TestModels;
import dss.image.ImagePipeline;
import dss.index.ImageIndex;
import dss.index.ImageRecord;
import dss.index.IndexConfig;
import dss.index.lucene.LuceneIndex;
import dss.ingest.IngestPipeline;
import dss.ingest.LibraryIndexer;
import dss.model.Embedder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A real server for the tests: a folder of real JPEG/PNG files indexed by the real indexer with the checked-in test
 * model, a Lucene index on disk, the Javalin server on a free port, and a JDK HttpClient talking to it.
 */
final class TestServer extends TestClient implements AutoCloseable {
  static final String TOKEN = "s3cret-token";

  final Path libraryDir;
  final Path thumbnailDir;
  final Path uploadDir;
  final Map<String, Path> files = new LinkedHashMap<>(); // name -> file
  final Embedder embedder;
  final IngestPipeline ingest;
  final ImageIndex index;
  final ServerContext context;
  final SearchServer server;

  /** Photos: scene-0..scene-7 (distinct), scene-0-small (scene-0 resized), scene-1-copy (byte-identical copy). */
  static TestServer start(Path tmp, String token, long maxUploadBytes) throws Exception {
    return start(tmp, token, maxUploadBytes, 0);
  }

  /** As above, with {@code decodeThreads} upload decode workers (0: one per core, as {@code dreamsim serve}). */
  static TestServer start(Path tmp, String token, long maxUploadBytes, int decodeThreads) throws Exception {
    return start(tmp, token, maxUploadBytes, decodeThreads, null);
  }

  /** As above, with {@code --quarantine quarantine} (null: off); the library folder is a known root, as with --library. */
  static TestServer start(Path tmp, String token, long maxUploadBytes, int decodeThreads, Path quarantine)
      throws Exception {
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
        TestModels.root().resolve("engine/src/test/resources/images/exif/orientation-6.jpg"))));
    return new TestServer(tmp, library, files, token, maxUploadBytes, decodeThreads, quarantine);
  }

  private TestServer(Path tmp, Path libraryDir, Map<String, Path> files, String token, long maxUploadBytes,
                     int decodeThreads, Path quarantine) throws Exception {
    this.libraryDir = libraryDir;
    this.files.putAll(files);
    this.thumbnailDir = tmp.resolve("thumbnails");
    this.uploadDir = tmp.resolve("uploads");
    // The same wiring as `dreamsim serve`: model, ingest pipeline, index opened shared, context over both.
    this.embedder = Embedder.open(TestModels.models().testModel(), "cpu", 1, 4);
    this.ingest = decodeThreads > 0 ? new IngestPipeline(new ImagePipeline(), embedder, decodeThreads)
        : new IngestPipeline(new ImagePipeline(), embedder);
    this.index = LuceneIndex.openShared(tmp.resolve("index"), embedder.info(), IndexConfig.DEFAULT);
    var indexed = new LibraryIndexer(index, ingest, LibraryIndexer.Options.defaults(List.of(libraryDir))).run(f -> {
      throw new AssertionError("fixture failed to index: " + f);
    });
    if (indexed.added() != files.size()) throw new AssertionError("indexed " + indexed);
    this.context = new ServerContext(index, ingest);
    if (quarantine != null) context.addRoots(List.of(libraryDir));
    this.server = SearchServer.start(context, new SearchServer.Options("127.0.0.1", 0, token, maxUploadBytes,
        thumbnailDir, uploadDir, quarantine), () -> null);
  }

  @Override int port() {
    return server.port();
  }

  String id(String name) {
    return ImageRecord.idFor(files.get(name).toAbsolutePath().normalize().toString());
  }

  byte[] bytes(String name) throws IOException {
    return Files.readAllBytes(files.get(name));
  }

  @Override public void close() throws Exception {
    // The server and its context first, then what the context does not own, in reverse order of opening.
    try (embedder; ingest; index; context; server) {
      // closed by try-with-resources: server, context, index, ingest, embedder
    }
  }
}
