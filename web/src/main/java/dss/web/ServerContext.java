package dss.web;

import dss.index.ImageIndex;
import dss.index.IndexVerifier;
import dss.ingest.IngestPipeline;
import dss.search.SimilaritySearch;
import io.javalin.http.ConflictResponse;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the server serves: an index (whatever its backend), the ingest pipeline that turns uploads
 * into vectors, and the query API over both. The index is refreshed every second, so results follow
 * it as it grows (also when another process is writing it and this server reads it).
 */
public final class ServerContext implements Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(ServerContext.class);

  private final ImageIndex index;
  private final IngestPipeline ingest;
  private final SimilaritySearch search;
  private final ScheduledExecutorService refresher;
  private final List<Path> roots = new CopyOnWriteArrayList<>();
  private final List<Runnable> refreshListeners = new CopyOnWriteArrayList<>();
  private volatile IndexVerifier verifier; // null: not verifying

  /** Does not take ownership of {@code index} or {@code ingest}: their opener closes them. */
  public ServerContext(ImageIndex index, IngestPipeline ingest) {
    this.index = index;
    this.ingest = ingest;
    this.search = new SimilaritySearch(index, ingest);
    this.refresher =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("dss-refresh").factory());
    refresher.scheduleWithFixedDelay(this::refresh, 1, 1, TimeUnit.SECONDS);
  }

  public ImageIndex index() {
    return index;
  }

  public IngestPipeline ingest() {
    return ingest;
  }

  public SimilaritySearch search() {
    return search;
  }

  /**
   * Folders this server knows its files under (the {@code --library} folders, the upload folder): a
   * file served from under one must really be inside it, not reached through a link out of it.
   */
  List<Path> roots() {
    return roots;
  }

  void addRoots(Collection<Path> folders) {
    for (Path folder : folders) {
      Path root = folder.toAbsolutePath().normalize();
      if (!roots.contains(root)) roots.add(root);
    }
  }

  /**
   * The library's folder tree relative to {@link #roots()} (cached until the index changes): the
   * {@code folder} of every image in the API and the tree of {@code GET /api/folders}.
   */
  dss.search.FolderTree folders() throws IOException {
    return search.folders(roots.stream().map(Path::toString).toList());
  }

  /**
   * Starts verifying the index in full in the background ({@link IndexVerifier}): new files every
   * {@code newFilesEvery}, everything again every {@code allEvery} (zero: only at start).
   */
  public IndexVerifier verifyInBackground(Duration newFilesEvery, Duration allEvery) {
    IndexVerifier started = new IndexVerifier(index, newFilesEvery, allEvery);
    verifier = started;
    started.start();
    return started;
  }

  /** Where the background verification stands; pending when none runs. */
  public IndexVerifier.Status verification() {
    IndexVerifier v = verifier;
    return v == null
        ? new IndexVerifier.Status(IndexVerifier.State.PENDING, null, null)
        : v.status();
  }

  /** The index, when this server may write to it; a 409 for the client otherwise. */
  ImageIndex writableIndex(String what) {
    if (index.readOnly()) {
      throw new ConflictResponse(
          "this server serves the index read-only (another process is writing it, or its"
              + " folder cannot be written): "
              + what
              + " there");
    }
    return index;
  }

  /**
   * Runs {@code listener} on the refresher thread after each periodic refresh (one a second): from
   * then on, searches see every commit made before that refresh began. Keep it short.
   */
  public void addRefreshListener(Runnable listener) {
    refreshListeners.add(listener);
  }

  private void refresh() {
    try {
      index.refresh();
    } catch (IOException | RuntimeException e) {
      LOG.warn("index refresh failed: {}", e.getMessage());
    }
    refreshListeners.forEach(Runnable::run);
  }

  @Override
  public void close() {
    refresher.shutdownNow();
    IndexVerifier v = verifier;
    if (v != null) v.close();
  }
}
