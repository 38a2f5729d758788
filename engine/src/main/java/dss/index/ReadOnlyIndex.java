package dss.index;

import dss.model.ModelInfo;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;

/**
 * An index opened for reading only, e.g. by the server or {@code dreamsim search} while an indexer process writes
 * to it: takes no lock, sees the latest commit, and {@code searcherManager().maybeRefresh()} picks up newer commits.
 * Opens with Lucene's default codec (segments name the built-in vectors formats), whatever the dimension.
 */
public final class ReadOnlyIndex implements Closeable {
  private final Path dir;
  private final Directory directory;
  private final SearcherManager searchers;
  private final IndexMetadata metadata;

  private ReadOnlyIndex(Path dir, Directory directory, SearcherManager searchers, IndexMetadata metadata) {
    this.dir = dir;
    this.directory = directory;
    this.searchers = searchers;
    this.metadata = metadata;
  }

  /** @throws IndexException when there is no index at {@code dir} or it was not made by dreamsim */
  public static ReadOnlyIndex open(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) throw IndexException.missing(dir);
    Directory directory = FSDirectory.open(dir);
    try {
      IndexMetadata metadata = IndexMetadata.read(directory, dir);
      if (metadata == null) throw IndexException.missing(dir);
      return new ReadOnlyIndex(dir, directory, new SearcherManager(directory, null), metadata);
    } catch (IOException | RuntimeException e) {
      directory.close();
      throw e;
    }
  }

  public Path dir() {
    return dir;
  }

  public IndexMetadata metadata() {
    return metadata;
  }

  /** Throws a clear error when {@code model} did not make this index's vectors (queries would be meaningless). */
  public void requireModel(ModelInfo model) throws IndexException {
    metadata.requireModel(model, dir);
  }

  public SearcherManager searcherManager() {
    return searchers;
  }

  public IndexStats stats() throws IOException {
    IndexSearcher s = searchers.acquire();
    try {
      return IndexStats.of(metadata, s.getIndexReader(), directory);
    } finally {
      searchers.release(s);
    }
  }

  @Override public void close() throws IOException {
    try (directory; searchers) {
      // closed in reverse order: searchers, then the directory
    }
  }
}
