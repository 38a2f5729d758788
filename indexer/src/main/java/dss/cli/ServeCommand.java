package dss.cli;

import dss.image.ImagePipeline;
import dss.index.ImageRecord;
import dss.index.IndexCheck;
import dss.index.IndexConfig;
import dss.index.IndexException;
import dss.ingest.LibraryIndexer;
import dss.search.Library;
import dss.web.BackgroundIndexer;
import dss.web.SearchServer;
import dss.web.ServerContext;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code dreamsim serve}: the search server and web page over an index (thin over {@link
 * SearchServer}). Runs the index's fast check first and refuses a damaged index, then verifies
 * every byte in the background ({@link dss.index.IndexVerifier}). Prints {@code {"url", "images",
 * "read_only"}} on stdout once listening, then serves until interrupted.
 */
@Command(
    name = "serve",
    footer = {
      "",
      "Examples:",
      "  dreamsim serve                                   then open http://127.0.0.1:8080/",
      "  dreamsim serve --library ~/Pictures              index in the background too",
      "  DREAMSIM_TOKEN=secret dreamsim serve --host 0.0.0.0   LAN access, writes with the token"
    },
    header = "Serve the search page and the HTTP API over an index.",
    sortOptions = false,
    description = {
      "Serve the search page and the HTTP API over an index (http://127.0.0.1:8080/ by default).",
      "With --library, also indexes those folders in the background, at start and every --rescan-minutes."
    })
final class ServeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin IndexOptions indexOptions;

  @Mixin ModelOptions modelOptions;

  /** Background indexing commits this often, so new photos show up in searches within seconds. */
  static final Duration BACKGROUND_COMMIT_INTERVAL = Duration.ofSeconds(5);

  /**
   * What background indexing of {@code --library} runs with: the library's defaults, committing
   * every 5 s.
   */
  static LibraryIndexer.Options backgroundOptions(List<Path> library, int maxFileMb) {
    return LibraryIndexer.Options.defaults(library)
        .withCommitInterval(BACKGROUND_COMMIT_INTERVAL)
        .withMaxFileBytes((long) maxFileMb << 20);
  }

  @Option(
      names = "--host",
      defaultValue = "127.0.0.1",
      description =
          "Address to listen on (default: ${DEFAULT-VALUE}; 0.0.0.0 exposes the server to the network).")
  String host;

  @Option(
      names = "--port",
      defaultValue = "8080",
      description = "Port (default: ${DEFAULT-VALUE}; 0 = any free).")
  int port;

  @Option(
      names = "--read-only",
      description =
          "Never write the index, even when no other process is writing it "
              + "(e.g. serving a backup, or an index another machine builds).")
  boolean readOnly;

  @Option(
      names = "--library",
      paramLabel = "DIR",
      arity = "1..*",
      description = "Photo folders to index in the background while serving.")
  List<Path> library = new ArrayList<>();

  @Option(
      names = "--rescan-minutes",
      defaultValue = "10",
      description =
          "With --library: minutes between the end of one indexing run and the next (default: ${DEFAULT-VALUE}).")
  int rescanMinutes;

  @Option(
      names = "--token",
      paramLabel = "TOKEN",
      description =
          "Bearer token that allows POST and DELETE /api/images (default: $DREAMSIM_TOKEN; unset = off).")
  String token;

  @Option(
      names = "--max-upload-mb",
      defaultValue = "32",
      description = "Largest upload in MB (default: ${DEFAULT-VALUE}).")
  int maxUploadMb;

  @Option(
      names = "--max-file-mb",
      defaultValue = "512",
      description =
          "With --library: files larger than this (MiB) are refused before they are read (default: "
              + "${DEFAULT-VALUE}).")
  int maxFileMb;

  @Option(
      names = "--max-pixels",
      defaultValue = "100000000",
      description =
          "Largest image in pixels, checked from the header before decoding (default: ${DEFAULT-VALUE}).")
  long maxPixels;

  @Option(
      names = "--max-upload-pixels",
      defaultValue = "64000000",
      description =
          "Largest uploaded image in "
              + "pixels (search, duplicates, add), below --max-pixels: a decode costs time and memory per pixel "
              + "(default: ${DEFAULT-VALUE}).")
  long maxUploadPixels;

  @Option(
      names = "--thumbnails",
      paramLabel = "DIR",
      description = "Thumbnail cache (default: ~/.cache/dreamsim/thumbnails/<index id>).")
  Path thumbnails;

  @Option(
      names = "--uploads",
      paramLabel = "DIR",
      description =
          "Where images added with POST /api/images are stored (default: <index>-uploads next to the index).")
  Path uploads;

  @Option(
      names = "--quarantine",
      paramLabel = "DIR",
      description =
          "Turns on the duplicate review's moves (token required): unwanted copies are moved into DIR, "
              + "keeping their path below the library folder, never deleted, with undo and a log. Not inside a --library "
              + "folder.")
  Path quarantine;

  @Option(
      names = "--reverify-hours",
      defaultValue = "24",
      description =
          "Hours between full re-verifications of every index file while serving (default: "
              + "${DEFAULT-VALUE}; 0 = only at start; new commits' files are verified within a minute either way).")
  int reverifyHours;

  /** How often the files of new commits (this server's or another process's) are verified. */
  static final Duration VERIFY_NEW_FILES_EVERY = Duration.ofSeconds(30);

  /**
   * How long serve waits for the first full verification before it listens: a small index is
   * verified before the first request; a large one is verified in the background while served.
   */
  static final Duration VERIFY_AT_START = Duration.ofSeconds(3);

  @Override
  public Integer call() throws Exception {
    if (port < 0 || port > 65535)
      throw new ParameterException(spec.commandLine(), "--port must be 0..65535");
    if (maxUploadMb < 1)
      throw new ParameterException(spec.commandLine(), "--max-upload-mb must be at least 1");
    if (rescanMinutes < 1)
      throw new ParameterException(spec.commandLine(), "--rescan-minutes must be at least 1");
    if (maxFileMb < 1)
      throw new ParameterException(spec.commandLine(), "--max-file-mb must be at least 1");
    if (maxPixels < 1)
      throw new ParameterException(spec.commandLine(), "--max-pixels must be at least 1");
    if (maxUploadPixels < 1)
      throw new ParameterException(spec.commandLine(), "--max-upload-pixels must be at least 1");
    if (reverifyHours < 0)
      throw new ParameterException(spec.commandLine(), "--reverify-hours must be 0 or more");
    if (quarantine != null) {
      // by real paths: a symbolic link to a folder inside the library is inside it
      Path folder = dss.review.Quarantine.insideOf(quarantine, library).orElse(null);
      if (folder != null) {
        throw new ParameterException(
            spec.commandLine(),
            "--quarantine "
                + quarantine
                + " is inside the --library"
                + " folder "
                + folder
                + " (symbolic links resolved): its files would be indexed again; choose a folder"
                + " outside the library");
      }
    }
    requireHealthy();
    Path dir = indexOptions.dir();
    Path thumbnailDir =
        thumbnails != null
            ? thumbnails
            : Path.of(
                System.getProperty("user.home"),
                ".cache",
                "dreamsim",
                "thumbnails",
                ImageRecord.idFor(dir.toString()));
    Path uploadDir = uploads != null ? uploads : dir.resolveSibling(dir.getFileName() + "-uploads");
    var options =
        new SearchServer.Options(
                host,
                port,
                token == null || token.isBlank() ? null : token,
                (long) maxUploadMb << 20,
                thumbnailDir,
                uploadDir,
                quarantine)
            .withDismissalsFile(dir.resolve(dss.review.Dismissals.FILE_NAME));

    // Ctrl-C / SIGTERM: the hook releases the wait below, then holds the JVM until everything is
    // closed.
    CountDownLatch stop = new CountDownLatch(1);
    CountDownLatch closed = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  stop.countDown();
                  try {
                    closed.await(30, TimeUnit.SECONDS);
                  } catch (InterruptedException ignored) {
                    // exiting anyway
                  }
                }));
    // uploads and background indexing are preprocessed as the index's images were (a new index: as
    // --exact says)
    Library.Options libraryOptions =
        Library.Options.defaults()
            .withNewIndex(IndexConfig.DEFAULT.with(modelOptions.preprocessing()))
            .withImages(
                new ImagePipeline(maxPixels)
                    .withMaxFileBytes((long) maxFileMb << 20)
                    .withMaxUploadPixels(maxUploadPixels));
    try (Library opened =
            indexOptions.open(
                readOnly ? Library.Access.READ_ONLY : Library.Access.SHARED,
                modelOptions,
                libraryOptions);
        ServerContext served = verifying(new ServerContext(opened.index(), opened.ingest()));
        BackgroundIndexer indexer =
            library.isEmpty()
                ? null
                : new BackgroundIndexer(served, backgroundOptions(library, maxFileMb))
                    .makingGridThumbnails(options.thumbnailDir());
        SearchServer server =
            SearchServer.start(served, options, indexer == null ? () -> null : indexer::status)) {
      if (indexer != null) indexer.start(Duration.ofMinutes(rescanMinutes));
      Map<String, Object> started = new LinkedHashMap<>();
      started.put(
          "url",
          "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + server.port() + "/");
      started.put("images", opened.index().count());
      started.put("read_only", opened.index().readOnly());
      spec.commandLine().getOut().println(JsonOut.line(started));
      spec.commandLine().getOut().flush();
      stop.await();
    } finally {
      closed.countDown();
    }
    return 0;
  }

  /**
   * Starts the full verification in the background and gives it {@link #VERIFY_AT_START} to end
   * before the server listens.
   */
  private ServerContext verifying(ServerContext served) throws InterruptedException {
    served
        .verifyInBackground(VERIFY_NEW_FILES_EVERY, Duration.ofHours(reverifyHours))
        .awaitFirstPass(VERIFY_AT_START);
    return served;
  }

  /**
   * The cheap check at start (the commit, the metadata, the small files): a damaged index is
   * refused before anything opens it, with the damaged files and the way to recover. A missing
   * index is fine: serving creates it.
   */
  private void requireHealthy() throws IOException {
    IndexCheck check;
    try {
      check = indexOptions.provider().check(indexOptions.location(), false);
    } catch (IndexException.Missing | IndexException.Unsupported e) {
      return; // serving creates a missing index; a backend without a check keeps its own data safe
    }
    if (!check.healthy()) {
      throw new IndexException(
          check.summary()
              + " (./dreamsim check --index "
              + check.index()
              + " runs the full check)");
    }
  }
}
