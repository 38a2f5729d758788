package dss.ingest;

import dss.index.ImageIndex;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rescan policy of a server that indexes a photo library: a {@link LibraryIndexer} run over the
 * library folders at start, and again {@code every} after each run ends (never two at once), on a
 * thread of its own. Listeners hear of each run's end, so callers (a status line, tests) need not
 * poll.
 */
public final class BackgroundIndexing implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(BackgroundIndexing.class);

  /** What a status line shows; {@code etaSeconds} is null while unknown, times are epoch ms. */
  public record Status(
      boolean running,
      long done,
      long total,
      boolean counting,
      long failed,
      double filesPerSecond,
      Double etaSeconds,
      LibraryIndexer.Summary lastRun,
      Long lastRunEndedMs) {}

  /** Hears of the end of each run, on the indexing thread; keep it short. */
  @FunctionalInterface
  public interface Listener {
    /** A run ended: its summary, or null and the failure that stopped it. */
    void runEnded(LibraryIndexer.Summary summary, Exception failure);
  }

  private final ImageIndex index;
  private final IngestPipeline ingest;
  private final LibraryIndexer.Options options;
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();
  private final ScheduledExecutorService scheduler =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().daemon().name("dss-library-indexer").factory());
  private volatile LibraryIndexer current;
  private volatile LibraryIndexer.Summary lastRun;
  private volatile Long lastRunEndedMs;

  /**
   * Does not take ownership of {@code index} or {@code ingest}.
   *
   * @throws IllegalStateException when the index is open read-only
   */
  public BackgroundIndexing(
      ImageIndex index, IngestPipeline ingest, LibraryIndexer.Options options) {
    if (index.readOnly())
      throw new IllegalStateException("background indexing needs a writable index");
    this.index = index;
    this.ingest = ingest;
    this.options = options;
  }

  private volatile GridThumbnails thumbnails;

  /** Each run also keeps the grid thumbnail of every image it decodes. */
  public void makeGridThumbnails(GridThumbnails thumbnails) {
    this.thumbnails = thumbnails;
  }

  public LibraryIndexer.Options options() {
    return options;
  }

  public void addListener(Listener listener) {
    listeners.add(listener);
  }

  /**
   * Starts the first run now and the next ones {@code every} (at least a second) after each run
   * ends.
   */
  public void start(Duration every) {
    scheduler.scheduleWithFixedDelay(
        this::runOnce, 0, Math.max(1, every.toSeconds()), TimeUnit.SECONDS);
  }

  private void runOnce() {
    LibraryIndexer indexer = new LibraryIndexer(index, ingest, options);
    if (thumbnails != null) indexer.withGridThumbnails(thumbnails);
    current = indexer;
    LibraryIndexer.Summary summary = null;
    Exception failure = null;
    try {
      summary = indexer.run(f -> LOG.warn("not indexed: {}: {}", f.path(), f.error()));
      lastRun = summary;
      lastRunEndedMs = System.currentTimeMillis();
      LOG.info("library indexed: {}", summary);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      failure = e;
    } catch (Exception e) {
      LOG.error("library indexing failed: {}", e.getMessage());
      failure = e;
    }
    for (Listener listener : listeners) listener.runEnded(summary, failure);
  }

  public Status status() {
    LibraryIndexer indexer = current;
    if (indexer == null) return new Status(true, 0, 0, true, 0, 0, null, null, null);
    LibraryIndexer.Progress p = indexer.progress();
    Double eta =
        p.running() && !p.walking() && Double.isFinite(p.etaSeconds()) ? p.etaSeconds() : null;
    return new Status(
        p.running(),
        p.done(),
        p.total(),
        p.walking(),
        p.failed(),
        p.filesPerSecond(),
        eta,
        lastRun,
        lastRunEndedMs);
  }

  /**
   * Stops the schedule, interrupting a run in progress (it resumes from its last commit next time).
   */
  @Override
  public void close() throws InterruptedException {
    scheduler.shutdownNow();
    scheduler.awaitTermination(1, TimeUnit.MINUTES);
  }
}
