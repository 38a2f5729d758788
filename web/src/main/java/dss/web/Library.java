package dss.web;

import dss.image.ImageException;
import dss.image.ImagePipeline;
import dss.image.PreparedImage;
import dss.index.ImageRecord;
import dss.index.IndexConfig;
import dss.index.IndexException;
import dss.index.LibraryIndex;
import dss.index.ReadOnlyIndex;
import dss.model.Embedder;
import dss.model.ModelException;
import dss.search.DuplicateFinder;
import dss.search.DuplicateGroup;
import dss.search.Searcher;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.store.LockObtainFailedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the server serves: the shared model session, the image pipeline and near-real-time searchers over one
 * index. It owns the index writer when it can get it; when another process (a running {@code dreamsim index})
 * holds the write lock it opens the index read-only and picks up that process's commits. Either way the
 * searchers are refreshed every second, so results follow the index as it grows.
 */
public final class Library implements Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(Library.class);

  /** An upload turned into a query vector, with where the time went. */
  public record Embedded(float[] vector, String format, int width, int height, double decodeMs, double modelMs) {}

  private final ImagePipeline pipeline;
  private final BatchingEmbedder embedder;
  private final LibraryIndex writer;
  private final ReadOnlyIndex reader;
  private final SearcherManager searchers;
  private final ScheduledExecutorService refresher;
  private volatile CachedGroups cachedGroups;

  private record CachedGroups(long readerVersion, float threshold, List<DuplicateGroup> groups) {}

  private Library(ImagePipeline pipeline, Embedder embedder, LibraryIndex writer, ReadOnlyIndex reader) {
    this.pipeline = pipeline;
    this.embedder = new BatchingEmbedder(embedder);
    this.writer = writer;
    this.reader = reader;
    this.searchers = writer != null ? writer.searcherManager() : reader.searcherManager();
    this.refresher = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("dss-refresh").factory());
    refresher.scheduleWithFixedDelay(this::refresh, 1, 1, TimeUnit.SECONDS);
  }

  /**
   * Opens the index at {@code dir} for {@code embedder}'s model: as its writer, or read-only when another process
   * is writing it. Does not take ownership of {@code embedder}.
   */
  public static Library open(Path dir, Embedder embedder, ImagePipeline pipeline, IndexConfig config)
      throws IOException {
    try {
      return new Library(pipeline, embedder, LibraryIndex.open(dir, embedder.info(), config), null);
    } catch (IndexException e) {
      if (!lockHeldElsewhere(e)) throw e;
      LOG.info("index {} is being written by another process: serving it read-only", dir);
      ReadOnlyIndex reader = ReadOnlyIndex.open(dir);
      try {
        reader.requireModel(embedder.info());
      } catch (IndexException wrongModel) {
        reader.close();
        throw wrongModel;
      }
      return new Library(pipeline, embedder, null, reader);
    }
  }

  private static boolean lockHeldElsewhere(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof LockObtainFailedException) return true;
    }
    return false;
  }

  /** The index writer, empty when another process owns it. */
  public Optional<LibraryIndex> writer() {
    return Optional.ofNullable(writer);
  }

  public boolean readOnly() {
    return writer == null;
  }

  public Embedder embedder() {
    return embedder.embedder();
  }

  public ImagePipeline pipeline() {
    return pipeline;
  }

  /** Decodes and embeds an upload; {@code name} names it in error messages. */
  public Embedded embed(byte[] bytes, String name) throws ImageException, ModelException {
    long t0 = System.nanoTime();
    PreparedImage prepared = pipeline.prepare(bytes, name);
    long t1 = System.nanoTime();
    float[] vector = embedder.embed(prepared.tensor());
    long t2 = System.nanoTime();
    return new Embedded(vector, prepared.format(), prepared.width(), prepared.height(),
        (t1 - t0) / 1e6, (t2 - t1) / 1e6);
  }

  /** Runs {@code query} on the latest point-in-time view of the index. */
  public <T> T search(SearchFunction<T> query) throws IOException {
    IndexSearcher searcher = searchers.acquire();
    try {
      return query.apply(new Searcher(searcher));
    } finally {
      searchers.release(searcher);
    }
  }

  /** The indexed image with this id; a 404 for the client when there is none. */
  ImageRecord require(String id) throws IOException {
    return search(s -> s.get(id)).orElseThrow(() -> ApiException.notFound("no indexed image with id '"
        + (id.length() <= 80 ? id : id.substring(0, 80) + "...") + "'"));
  }

  @FunctionalInterface
  public interface SearchFunction<T> {
    T apply(Searcher searcher) throws IOException;
  }

  /** Whole-library duplicate groups; cached until the index changes (the scan visits every document). */
  public List<DuplicateGroup> duplicateGroups(float threshold) throws IOException {
    IndexSearcher searcher = searchers.acquire();
    try {
      long version = ((DirectoryReader) searcher.getIndexReader()).getVersion();
      CachedGroups cached = cachedGroups;
      if (cached != null && cached.readerVersion() == version && cached.threshold() == threshold) {
        return cached.groups();
      }
      List<DuplicateGroup> groups = new DuplicateFinder(searcher).find(threshold);
      cachedGroups = new CachedGroups(version, threshold, groups);
      return groups;
    } finally {
      searchers.release(searcher);
    }
  }

  /** Makes changes visible to searches now rather than at the next scheduled refresh. */
  public void refreshNow() throws IOException {
    searchers.maybeRefreshBlocking();
  }

  private void refresh() {
    try {
      searchers.maybeRefresh();
    } catch (IOException | RuntimeException e) {
      LOG.warn("index refresh failed: {}", e.getMessage());
    }
  }

  @Override public void close() throws IOException {
    refresher.shutdownNow();
    embedder.close();
    if (writer != null) writer.close();
    if (reader != null) reader.close();
  }
}
