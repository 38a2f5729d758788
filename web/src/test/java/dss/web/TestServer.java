package dss.web;

import dss.image.ImagePipeline;
import dss.index.ImageIndex;
import dss.index.ImageRecord;
import dss.index.IndexConfig;
import dss.index.lucene.LuceneIndex;
import dss.ingest.IngestPipeline;
import dss.ingest.LibraryIndexer;
import dss.model.Embedder;
import dss.model.ModelInfo;
import dss.model.TestModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * A real server for the tests, built by {@link Builder} (get one from the {@link TestServers}
 * extension, which closes what it built): the checked-in test model, a Lucene index on disk, the
 * ingest pipeline, the Javalin server on a free port, and a JDK HttpClient talking to it. By
 * default a folder of real JPEG/PNG files is indexed by the real indexer before the server starts;
 * optionally the server indexes library folders in the background, as {@code serve --library} does.
 *
 * <p>Tests wait on the server's events, never on time: {@link #awaitBackgroundRun()} (a background
 * indexing run ended) and {@link #awaitRefresh()} (a refresh that began after the call ended, so
 * every earlier commit is visible to searches).
 */
final class TestServer extends TestClient implements AutoCloseable {
  static final String TOKEN = "s3cret-token";

  /**
   * How long an awaited event may take before the test fails (a bound for a hung server, not a
   * speed target).
   */
  static final Duration EVENT_TIMEOUT = Duration.ofSeconds(120);

  /** Opens the index the server serves, in {@code dir} for {@code model}. */
  @FunctionalInterface
  interface IndexOpener {
    ImageIndex open(Path dir, ModelInfo model) throws IOException;
  }

  /** The ending of one background run: its summary, or the failure that stopped it. */
  private record RunEnded(LibraryIndexer.Summary summary, Exception failure) {}

  final Path libraryDir;
  final Path thumbnailDir;
  final Path uploadDir;
  final Map<String, Path> files = new LinkedHashMap<>(); // name -> file
  final Embedder embedder;
  final IngestPipeline ingest;
  final ImageIndex index;
  final ServerContext context;
  final BackgroundIndexer indexer;
  final SearchServer server;
  private final BlockingQueue<RunEnded> runs = new LinkedBlockingQueue<>();
  private final Object refreshes = new Object();
  private long refreshCount;
  private boolean closed;

  /**
   * Photos: scene-0..scene-7 (distinct), scene-0-small (scene-0 resized), scene-1-copy
   * (byte-identical copy).
   */
  static TestServer start(Path tmp, String token, long maxUploadBytes) throws Exception {
    return new Builder(tmp).token(token).maxUploadBytes(maxUploadBytes).start();
  }

  /**
   * As above, with {@code decodeThreads} upload decode workers (0: one per core, as {@code dreamsim
   * serve}).
   */
  static TestServer start(Path tmp, String token, long maxUploadBytes, int decodeThreads)
      throws Exception {
    return new Builder(tmp)
        .token(token)
        .maxUploadBytes(maxUploadBytes)
        .decodeThreads(decodeThreads)
        .start();
  }

  /**
   * As above, with {@code --quarantine quarantine} (null: off); the library folder is a known root,
   * as with --library.
   */
  static TestServer start(
      Path tmp, String token, long maxUploadBytes, int decodeThreads, Path quarantine)
      throws Exception {
    return new Builder(tmp)
        .token(token)
        .maxUploadBytes(maxUploadBytes)
        .decodeThreads(decodeThreads)
        .quarantine(quarantine)
        .start();
  }

  /**
   * How a test server is made; every setting has the default of {@code dreamsim serve} unless
   * named.
   */
  static final class Builder {
    private final Path tmp;
    private final List<TestServer> started;
    private boolean fixtures = true;
    private String token;
    private long maxUploadBytes = SearchServer.Options.DEFAULT_MAX_UPLOAD;
    private int decodeThreads;
    private Path quarantine;
    private int port;
    private List<Path> background = List.of();
    private IndexOpener opener =
        (dir, model) -> LuceneIndex.openShared(dir, model, IndexConfig.DEFAULT);
    private UnaryOperator<ImageIndex> wrap = UnaryOperator.identity();
    private SearchServer.Thumbnails thumbnails = SearchServer.Thumbnails.DEFAULT;

    /** Everything under {@code tmp}: the index, the fixture photos, thumbnails and uploads. */
    Builder(Path tmp) {
      this(tmp, new java.util.ArrayList<>());
    }

    Builder(Path tmp, List<TestServer> started) {
      this.tmp = tmp;
      this.started = started;
    }

    /**
     * No fixture photos: the index is what {@link #index} opens (by default an empty or existing
     * one).
     */
    Builder withoutFixtures() {
      fixtures = false;
      return this;
    }

    /**
     * The bearer token for adding and removing images (null, the default: those routes are off).
     */
    Builder token(String token) {
      this.token = token;
      return this;
    }

    Builder maxUploadBytes(long bytes) {
      this.maxUploadBytes = bytes;
      return this;
    }

    /** Request decode workers (0, the default: one per core). */
    Builder decodeThreads(int threads) {
      this.decodeThreads = threads;
      return this;
    }

    /** How thumbnails made on demand queue (default: as {@code dreamsim serve}). */
    Builder thumbnails(SearchServer.Thumbnails settings) {
      this.thumbnails = settings;
      return this;
    }

    /**
     * The port to listen on (0, the default: any free one); a restarted server takes its
     * predecessor's.
     */
    Builder port(int port) {
      this.port = port;
      return this;
    }

    /** {@code --quarantine}; the fixture folder becomes a known root, as with --library. */
    Builder quarantine(Path folder) {
      this.quarantine = folder;
      return this;
    }

    /**
     * {@code --library}: background indexing of these folders, its first run started with the
     * server.
     */
    Builder backgroundLibrary(List<Path> roots) {
      this.background = List.copyOf(roots);
      return this;
    }

    /**
     * How the index is opened (default: shared, as {@code dreamsim serve}: read-only when another
     * writer holds it).
     */
    Builder index(IndexOpener opener) {
      this.opener = opener;
      return this;
    }

    /** Serves {@code wrap} of the opened index (e.g. one that records the queries it gets). */
    Builder wrapIndex(UnaryOperator<ImageIndex> wrap) {
      this.wrap = wrap;
      return this;
    }

    TestServer start() throws Exception {
      TestServer server = new TestServer(this);
      started.add(server);
      return server;
    }
  }

  private TestServer(Builder b) throws Exception {
    this.libraryDir = b.tmp.resolve("library");
    this.thumbnailDir = b.tmp.resolve("thumbnails");
    this.uploadDir = b.tmp.resolve("uploads");
    if (b.fixtures) files.putAll(writeFixtures(libraryDir));
    // The same wiring as `dreamsim serve`: model, ingest pipeline, index opened shared, context
    // over both.
    this.embedder = Embedder.open(TestModels.models().testModel(), "cpu", 1, 4);
    this.ingest =
        b.decodeThreads > 0
            ? new IngestPipeline(new ImagePipeline(), embedder, b.decodeThreads)
            : new IngestPipeline(new ImagePipeline(), embedder);
    ImageIndex opened = b.opener.open(b.tmp.resolve("index"), embedder.info());
    if (b.fixtures) {
      var indexed =
          new LibraryIndexer(opened, ingest, LibraryIndexer.Options.defaults(List.of(libraryDir)))
              .run(
                  f -> {
                    throw new AssertionError("fixture failed to index: " + f);
                  });
      if (indexed.added() != files.size()) throw new AssertionError("indexed " + indexed);
    }
    this.index = b.wrap.apply(opened);
    this.context = context(index, ingest);
    context.addRefreshListener(
        () -> {
          synchronized (refreshes) {
            refreshCount++;
            refreshes.notifyAll();
          }
        });
    if (b.quarantine != null) context.addRoots(List.of(libraryDir));
    this.indexer =
        b.background.isEmpty()
            ? null
            : new BackgroundIndexer(context, LibraryIndexer.Options.defaults(b.background))
                .makingGridThumbnails(thumbnailDir);
    if (indexer != null)
      indexer.addListener((summary, failure) -> runs.add(new RunEnded(summary, failure)));
    this.server =
        serve(
            context,
            new SearchServer.Options(
                "127.0.0.1",
                b.port,
                b.token,
                b.maxUploadBytes,
                thumbnailDir,
                uploadDir,
                b.quarantine,
                b.thumbnails),
            indexer);
    if (indexer != null) indexer.start(Duration.ofMinutes(10));
  }

  /**
   * The one place a test server's context is made from the index and the ingest pipeline (with
   * {@link #serve}).
   */
  private static ServerContext context(ImageIndex index, IngestPipeline ingest) {
    return new ServerContext(index, ingest);
  }

  /** The one place a test server is started over its context. */
  private static SearchServer serve(
      ServerContext context, SearchServer.Options options, BackgroundIndexer indexer)
      throws IOException {
    return SearchServer.start(context, options, indexer == null ? () -> null : indexer::status);
  }

  private static Map<String, Path> writeFixtures(Path library) throws IOException {
    Map<String, Path> files = new LinkedHashMap<>();
    for (int i = 0; i < 8; i++) {
      files.put(
          "scene-" + i,
          TestImages.write(
              library.resolve("scene-" + i + (i % 2 == 0 ? ".jpg" : ".png")),
              TestImages.encode(TestImages.scene(i, 640, 480), i % 2 == 0 ? "jpeg" : "png")));
    }
    files.put(
        "scene-0-small",
        TestImages.write(
            library.resolve("sub/scene-0-small.jpg"),
            TestImages.encode(
                TestImages.resized(TestImages.scene(0, 640, 480), 320, 240), "jpeg")));
    files.put(
        "scene-1-copy",
        TestImages.write(
            library.resolve("sub/scene-1-copy.png"), Files.readAllBytes(files.get("scene-1"))));
    // EXIF orientation 6 (stored sideways, shown upright as 300x200): the thumbnail must come out
    // landscape
    files.put(
        "rotated",
        TestImages.write(
            library.resolve("rotated.jpg"),
            Files.readAllBytes(
                TestModels.root()
                    .resolve("engine/src/test/resources/images/exif/orientation-6.jpg"))));
    return files;
  }

  /**
   * Waits for the next background indexing run to end (the first: the one started with the server).
   */
  LibraryIndexer.Summary awaitBackgroundRun() throws InterruptedException {
    if (indexer == null) throw new IllegalStateException("this server does no background indexing");
    RunEnded run = runs.poll(EVENT_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    if (run == null) throw new AssertionError("no background run ended within " + EVENT_TIMEOUT);
    if (run.failure() != null) throw new AssertionError("the background run failed", run.failure());
    return run.summary();
  }

  /**
   * Waits until a refresh that began after this call has ended: searches then see every commit made
   * before the call (by this process or another). Two refreshes end after the call, so the second
   * began after it.
   */
  void awaitRefresh() throws InterruptedException {
    long deadline = System.nanoTime() + EVENT_TIMEOUT.toNanos();
    synchronized (refreshes) {
      long target = refreshCount + 2;
      while (refreshCount < target) {
        long left = deadline - System.nanoTime();
        if (left <= 0) throw new AssertionError("no refresh within " + EVENT_TIMEOUT);
        TimeUnit.NANOSECONDS.timedWait(refreshes, left);
      }
    }
  }

  @Override
  int port() {
    return server.port();
  }

  String id(String name) {
    return ImageRecord.idFor(files.get(name).toAbsolutePath().normalize().toString());
  }

  byte[] bytes(String name) throws IOException {
    return Files.readAllBytes(files.get(name));
  }

  /** Closes everything it opened (once; a second call does nothing). */
  @Override
  public synchronized void close() throws Exception {
    if (closed) return;
    closed = true;
    // The server, the background indexer and the context first, then what the context does not own.
    try (embedder;
        ingest;
        index;
        context;
        indexer;
        server) {
      // closed by try-with-resources in reverse order: server, indexer, context, index, ingest,
      // embedder
    }
  }
}
