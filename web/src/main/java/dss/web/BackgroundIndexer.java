package dss.web;

import dss.ingest.BackgroundIndexing;
import dss.ingest.LibraryIndexer;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * {@code serve --library DIR...}: the server's side of {@link BackgroundIndexing} (the rescan
 * policy lives in the engine): refuses a read-only index with the reason, and lets the server serve
 * files from the library folders. Searches see new images as they are committed (the server's
 * searchers refresh every second).
 */
public final class BackgroundIndexer implements AutoCloseable {
  private final BackgroundIndexing indexing;

  /**
   * @throws IllegalStateException when the library is served read-only (another process owns the
   *     writer, or the index's folder cannot be written)
   */
  public BackgroundIndexer(ServerContext server, LibraryIndexer.Options options) {
    if (server.index().readOnly()) {
      throw new IllegalStateException(
          "--library needs to write the index, but it is open read-only: another process"
              + " is writing it, or its folder cannot be written");
    }
    this.indexing = new BackgroundIndexing(server.index(), server.ingest(), options);
    server.addRoots(options.roots());
  }

  /**
   * Each run also writes the grid thumbnail of every image it decodes into the thumbnail cache at
   * {@code thumbnailDir} (see {@link ThumbnailCache#gridThumbnails}).
   */
  public BackgroundIndexer makingGridThumbnails(Path thumbnailDir) throws IOException {
    indexing.makeGridThumbnails(ThumbnailCache.gridThumbnails(thumbnailDir));
    return this;
  }

  /** Starts the first run now and schedules the next ones. */
  public void start(Duration every) {
    indexing.start(every);
  }

  /** Hears of the end of each run ({@link BackgroundIndexing.Listener}). */
  public void addListener(BackgroundIndexing.Listener listener) {
    indexing.addListener(listener);
  }

  public BackgroundIndexing.Status status() {
    return indexing.status();
  }

  @Override
  public void close() throws InterruptedException {
    indexing.close();
  }
}
