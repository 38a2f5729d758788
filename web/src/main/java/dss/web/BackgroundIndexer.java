package dss.web;

import dss.index.ImageIndex;
import dss.ingest.LibraryIndexer;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code serve --library DIR...}: runs the incremental indexer over the library folders at start and again
 * {@code every} after each run ends, so one command indexes a photo library and serves it. Searches see new images
 * as they are written (the server's searchers refresh every second).
 */
public final class BackgroundIndexer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(BackgroundIndexer.class);

  /** What the page's status line shows; {@code etaSeconds} is null while unknown, times are epoch ms. */
  public record Status(boolean running, long done, long total, boolean counting, long failed, double filesPerSecond,
                       Double etaSeconds, LibraryIndexer.Summary lastRun, Long lastRunEndedMs) {}

  private final ServerContext server;
  private final ImageIndex index;
  private final LibraryIndexer.Options options;
  private final ScheduledExecutorService scheduler =
      Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("dss-library-indexer").factory());
  private volatile LibraryIndexer current;
  private volatile LibraryIndexer.Summary lastRun;
  private volatile Long lastRunEndedMs;

  /**
   * @throws IllegalStateException when the library is served read-only (another process owns the writer, or the
   *     index's folder cannot be written)
   */
  public BackgroundIndexer(ServerContext server, LibraryIndexer.Options options) {
    if (server.index().readOnly()) {
      throw new IllegalStateException("--library needs to write the index, but it is open read-only: another process"
          + " is writing it, or its folder cannot be written");
    }
    this.server = server;
    this.index = server.index();
    this.options = options;
    server.addRoots(options.roots());
  }

  /** Starts the first run now and schedules the next ones. */
  public void start(Duration every) {
    scheduler.scheduleWithFixedDelay(this::runOnce, 0, Math.max(1, every.toSeconds()), TimeUnit.SECONDS);
  }

  private void runOnce() {
    LibraryIndexer indexer = new LibraryIndexer(index, server.ingest(), options);
    current = indexer;
    try {
      lastRun = indexer.run(failure -> LOG.warn("not indexed: {}: {}", failure.path(), failure.error()));
      lastRunEndedMs = System.currentTimeMillis();
      LOG.info("library indexed: {}", lastRun);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      LOG.error("library indexing failed: {}", e.getMessage());
    }
  }

  public Status status() {
    LibraryIndexer indexer = current;
    if (indexer == null) return new Status(true, 0, 0, true, 0, 0, null, null, null);
    LibraryIndexer.Progress p = indexer.progress();
    Double eta = p.running() && !p.walking() && Double.isFinite(p.etaSeconds()) ? p.etaSeconds() : null;
    return new Status(p.running(), p.done(), p.total(), p.walking(), p.failed(), p.filesPerSecond(), eta, lastRun,
        lastRunEndedMs);
  }

  @Override public void close() throws InterruptedException {
    scheduler.shutdownNow();
    scheduler.awaitTermination(1, TimeUnit.MINUTES);
  }
}
