package dss.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import dss.ingest.ImageEdits;
import dss.review.Dismissals;
import dss.review.Quarantine;
import io.javalin.Javalin;
import io.javalin.config.SizeUnit;
import io.javalin.http.Context;
import io.javalin.http.staticfiles.Location;
import io.javalin.json.JavalinJackson;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Supplier;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.MinimumDataRateHandler;

/**
 * The HTTP server: the JSON API under {@code /api}, Prometheus metrics, the OpenAPI description and
 * the search page, all over one {@link ServerContext}. Handlers run on virtual threads; uploads are
 * decoded on a bounded pool that refuses when full, thumbnails on their own queue that waits (with
 * a deadline), and uploads are embedded through the shared model stage, which batches concurrent
 * requests.
 */
public final class SearchServer implements AutoCloseable {
  /**
   * @param host where to listen (127.0.0.1 unless the user chose otherwise)
   * @param port 0 picks a free port
   * @param token bearer token for adding and removing images; null turns those routes off
   * @param maxUploadBytes largest accepted upload
   * @param thumbnailDir where thumbnails are cached
   * @param uploadDir where images added through the API are stored
   * @param quarantineDir where the duplicate review moves unwanted copies ({@code --quarantine});
   *     null: off
   * @param thumbnails how thumbnails made on demand queue ({@link Thumbnails#DEFAULT})
   * @param dismissalsFile where "not duplicates" decisions are kept ({@link Dismissals}); null:
   *     {@value Dismissals#FILE_NAME} in the index folder when the index is a local folder, else
   *     beside the upload folder
   */
  public record Options(
      String host,
      int port,
      String token,
      long maxUploadBytes,
      Path thumbnailDir,
      Path uploadDir,
      Path quarantineDir,
      Thumbnails thumbnails,
      Path dismissalsFile) {
    public static final long DEFAULT_MAX_UPLOAD = 32L << 20;

    /** Dismissals in their default place. */
    public Options(
        String host,
        int port,
        String token,
        long maxUploadBytes,
        Path thumbnailDir,
        Path uploadDir,
        Path quarantineDir,
        Thumbnails thumbnails) {
      this(
          host,
          port,
          token,
          maxUploadBytes,
          thumbnailDir,
          uploadDir,
          quarantineDir,
          thumbnails,
          null);
    }

    /** These options with the dismissals kept in {@code file}. */
    public Options withDismissalsFile(Path file) {
      return new Options(
          host,
          port,
          token,
          maxUploadBytes,
          thumbnailDir,
          uploadDir,
          quarantineDir,
          thumbnails,
          file);
    }

    /** {@link #dismissalsFile()}, or its default for {@code index}. */
    Path dismissalsFileFor(dss.index.ImageIndex index) {
      if (dismissalsFile != null) return dismissalsFile;
      try {
        Path folder = Path.of(index.location());
        if (java.nio.file.Files.isDirectory(folder)) return folder.resolve(Dismissals.FILE_NAME);
      } catch (java.nio.file.InvalidPathException e) {
        // not a local folder (a Solr collection's address)
      }
      return uploadDir
          .toAbsolutePath()
          .resolveSibling(uploadDir.getFileName() + "-" + Dismissals.FILE_NAME);
    }

    /** With the default thumbnail queue. */
    public Options(
        String host,
        int port,
        String token,
        long maxUploadBytes,
        Path thumbnailDir,
        Path uploadDir,
        Path quarantineDir) {
      this(
          host,
          port,
          token,
          maxUploadBytes,
          thumbnailDir,
          uploadDir,
          quarantineDir,
          Thumbnails.DEFAULT);
    }

    /** Without a quarantine folder. */
    public Options(
        String host,
        int port,
        String token,
        long maxUploadBytes,
        Path thumbnailDir,
        Path uploadDir) {
      this(host, port, token, maxUploadBytes, thumbnailDir, uploadDir, null);
    }
  }

  /**
   * The queue of thumbnails made on demand, apart from the uploads' decode pool.
   *
   * @param workers thumbnails made at once (0: one per core)
   * @param waiting requests that may wait for a worker beyond those being made; more are refused at
   *     once (503)
   * @param deadline how long a request waits for a worker before it is refused (503 with
   *     Retry-After)
   */
  public record Thumbnails(int workers, int waiting, java.time.Duration deadline) {
    /**
     * As {@code dreamsim serve}: one worker per core, a few pages' worth of waiting places, five
     * seconds.
     */
    public static final Thumbnails DEFAULT =
        new Thumbnails(0, 256, java.time.Duration.ofSeconds(5));

    public Thumbnails {
      if (workers < 0 || waiting < 0 || deadline == null || deadline.isNegative()) {
        throw new IllegalArgumentException(
            "thumbnail queue: workers "
                + workers
                + ", waiting "
                + waiting
                + ", deadline "
                + deadline);
      }
    }
  }

  /** Request headers must be complete within this of their first byte ({@link HeaderDeadline}). */
  public static final Duration HEADER_TIMEOUT = Duration.ofSeconds(10);

  /**
   * A request body must arrive at this rate, in bytes per second, on average from its first read
   * (Jetty's {@link MinimumDataRateHandler}): a 32 MiB upload may take hours, a trickle may not.
   */
  public static final long MIN_BODY_RATE = 1024;

  /**
   * A connection that sends and receives nothing for this long is closed (Jetty's idle timeout).
   */
  public static final Duration IDLE_TIMEOUT = Duration.ofSeconds(30);

  private final Javalin app;
  private final ThumbnailQueue thumbnailQueue;

  private SearchServer(Javalin app, ThumbnailQueue thumbnailQueue) {
    this.app = app;
    this.thumbnailQueue = thumbnailQueue;
  }

  /**
   * Starts serving {@code server}'s index. {@code indexing} reports background indexing progress
   * for the status line (any JSON-serialisable value, null when the server does not index).
   */
  public static SearchServer start(ServerContext server, Options options, Supplier<Object> indexing)
      throws IOException {
    server.addRoots(java.util.List.of(options.uploadDir()));
    Metrics metrics = new Metrics(server);
    Uploads uploads = new Uploads(options.maxUploadBytes());
    ImageEdits edits = new ImageEdits(server.index(), server.ingest(), options.uploadDir());
    IndexedFiles files = new IndexedFiles(server);
    ThumbnailQueue thumbnailQueue = new ThumbnailQueue(options.thumbnails());
    ThumbnailCache thumbnails =
        new ThumbnailCache(options.thumbnailDir(), server.ingest(), files, thumbnailQueue);
    ObjectMapper mapper =
        JavalinJackson.defaultMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
    Dismissals dismissals = Dismissals.open(options.dismissalsFileFor(server.index()));
    server.search().keepApart(dismissals);
    DismissalHandlers dismissed = new DismissalHandlers(server, dismissals, mapper);
    QuarantineHandlers quarantine =
        new QuarantineHandlers(
            server,
            options.quarantineDir() == null
                ? null
                : new Quarantine(options.quarantineDir(), server.index(), server::roots),
            mapper);

    Javalin app =
        Javalin.create(
            config -> {
              config.startup.showJavalinBanner = false;
              config.concurrency.useVirtualThreads = true;
              config.jsonMapper(new JavalinJackson(mapper, true));
              config.http.maxRequestSize = options.maxUploadBytes() + 65_536;
              config.jetty.multipartConfig.maxFileSize(options.maxUploadBytes(), SizeUnit.BYTES);
              config.jetty.multipartConfig.maxTotalRequestSize(
                  options.maxUploadBytes() + 65_536, SizeUnit.BYTES);
              config.jetty.multipartConfig.maxInMemoryFileSize(4, SizeUnit.MB);
              // Our own connector for its accept queue: the JDK's default backlog of 50 resets
              // connections when hundreds of clients connect at once.
              config.jetty.addConnector(
                  (jetty, http) -> {
                    ServerConnector connector =
                        new ServerConnector(jetty, new HttpConnectionFactory(http));
                    connector.setHost(options.host());
                    connector.setPort(options.port());
                    connector.setAcceptQueueSize(1024);
                    // Slow clients: an idle limit, a deadline for headers, a minimum body rate
                    connector.setIdleTimeout(IDLE_TIMEOUT.toMillis());
                    connector.addBean(new HeaderDeadline(HEADER_TIMEOUT));
                    return connector;
                  });
              config.jetty.modifyServer(jetty -> jetty.setErrorHandler(new JettyErrors(mapper)));
              // Javalin attaches its servlet context inside this wrapper (the body's data rate)
              config.jetty.modifyServer(
                  jetty -> jetty.setHandler(new MinimumDataRateHandler(MIN_BODY_RATE, 0)));
              config.jetty.modifyServletContextHandler(
                  context -> {
                    context.setErrorHandler(new JettyErrors(mapper));
                    context.insertHandler(new SecurityHeaders());
                  });
              config.staticFiles.add("/public", Location.CLASSPATH);
              config.requestLogger.http(
                  (ctx, ms) ->
                      metrics.request(ctx.method().name(), route(ctx), ctx.statusCode(), ms));

              var routes = config.routes;
              routes.beforeMatched("/api/*", new DamageGuard(server));
              routes.get("/api/health", new HealthHandler(server));
              routes.get(
                  "/api/stats",
                  new StatsHandler(
                      server,
                      options.maxUploadBytes(),
                      indexing,
                      options.token() != null,
                      options.quarantineDir() != null));
              routes.get("/api/search", new IdSearchHandler(server));
              routes.post("/api/search", new UploadSearchHandler(server, uploads, metrics));
              routes.get("/api/distance", new IdDistanceHandler(server));
              routes.post("/api/distance", new DistanceHandler(server, uploads));
              routes.get("/api/duplicates", new DuplicateGroupsHandler(server));
              routes.post("/api/duplicates", new NearDuplicatesHandler(server, uploads));
              routes.get("/api/images", new ListingHandler(server));
              routes.get("/api/folders", new FoldersHandler(server));
              routes.get("/api/images/{id}", new ImageFileHandler(server, files));
              routes.get(
                  "/api/images/{id}/thumbnail", new ThumbnailHandler(server, files, thumbnails));
              routes.post(
                  "/api/images",
                  new TokenGuard(options.token(), new AddImageHandler(server, uploads, edits)));
              routes.delete(
                  "/api/images/{id}",
                  new TokenGuard(options.token(), new DeleteImageHandler(server, edits)));
              routes.post("/api/check", new TokenGuard(options.token(), new CheckHandler(server)));
              routes.post("/api/quarantine", new TokenGuard(options.token(), quarantine.move()));
              routes.post(
                  "/api/quarantine/{move_id}/undo",
                  new TokenGuard(options.token(), quarantine.undo()));
              routes.get(
                  "/api/quarantine/log", TokenGuard.whenSet(options.token(), quarantine.log()));
              routes.get("/api/duplicates/dismissals", dismissed.list());
              routes.post(
                  "/api/duplicates/dismissals", new TokenGuard(options.token(), dismissed.add()));
              routes.delete(
                  "/api/duplicates/dismissals/{id}",
                  new TokenGuard(options.token(), dismissed.remove()));
              routes.get("/metrics", new MetricsHandler(server, metrics));
              ErrorMapping.register(routes);
            });
    app.start();
    metrics.bind(
        app.jettyServer().server()); // its connectors and thread pool exist once it has started
    return new SearchServer(app, thumbnailQueue);
  }

  public int port() {
    return app.port();
  }

  /**
   * The routes this server answers, as "METHOD /path" ("GET /api/images/{id}"): what the API
   * description covers.
   */
  public java.util.List<String> routes() {
    return app.unsafe.internalRouter.allHttpHandlers().stream()
        .filter(e -> e.endpoint.method.isHttpMethod()) // not the before-handlers
        .map(e -> e.endpoint.method.name() + " " + e.endpoint.path)
        .toList();
  }

  /**
   * The matched route template ("/api/images/{id}"), so per-id requests share one metrics series;
   * without a route, the page's files or {@code unmatched} (any path a client makes up).
   */
  private static String route(Context ctx) {
    try {
      return ctx.endpoint().path;
    } catch (RuntimeException e) { // no route matched: Javalin has no endpoint to give
      return ctx.statusCode() < 400 ? Metrics.STATIC : Metrics.UNMATCHED;
    }
  }

  @Override
  public void close() {
    app.stop();
    thumbnailQueue.close();
  }
}
