package dss.index;

import dss.model.ModelInfo;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.LockObtainFailedException;

/**
 * The on-disk Lucene index of a photo library: one writer per index directory (a second process gets a clear
 * "index in use" error), vectors in an HNSW field, the model recorded in the commit user data.
 *
 * <p>Changes become durable at {@link #commit()}; after a crash the index opens at the last commit. One document per
 * path (replaced on the id term), so replaying work after a crash never duplicates documents.
 */
public final class LibraryIndex implements Closeable {
  private final Path dir;
  private final Directory directory;
  private final IndexWriter writer;
  private final SearcherManager searchers;
  private final IndexMetadata metadata;

  private LibraryIndex(Path dir, Directory directory, IndexWriter writer, IndexMetadata metadata) throws IOException {
    this.dir = dir;
    this.directory = directory;
    this.writer = writer;
    this.metadata = metadata;
    this.searchers = new SearcherManager(writer, null);
  }

  /** Where commands and the server keep the index unless told otherwise: {@code index-data/} in the repository. */
  public static Path defaultDir() {
    return dss.model.Models.root().resolve("index-data");
  }

  /**
   * Opens or creates the index for writing; refuses an index made by a different model. An existing index keeps the
   * vector storage ({@link IndexConfig}) it was created with; {@code config} applies only to a new index.
   *
   * @throws IndexException when another process (or another open instance) is writing to {@code dir}, or the index
   *     was built with a different model
   */
  public static LibraryIndex open(Path dir, ModelInfo model, IndexConfig config) throws IOException {
    Files.createDirectories(dir);
    Directory directory = FSDirectory.open(dir);
    try {
      IndexMetadata existing = IndexMetadata.read(directory, dir);
      if (existing != null) existing.requireModel(model, dir);
      IndexMetadata metadata = existing != null ? existing : new IndexMetadata(model, config);
      IndexWriterConfig iwc = new IndexWriterConfig()
          .setCodec(new LibraryCodec(metadata.config()))
          .setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND)
          .setRAMBufferSizeMB(256)
          .setUseCompoundFile(false); // vector files are large and read through mmap on their own anyway
      IndexWriter writer;
      try {
        writer = new IndexWriter(directory, iwc);
      } catch (LockObtainFailedException e) {
        throw IndexException.inUse(dir, e);
      }
      writer.setLiveCommitData(metadata.toUserData().entrySet());
      if (existing == null) writer.commit(); // record the model at once: readers can open an empty index
      return new LibraryIndex(dir, directory, writer, metadata);
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

  /** Adds or replaces the document for {@code record.path()} (keyed on {@code record.id()}). */
  public void upsert(ImageRecord record, float[] unitVector) throws IOException {
    if (unitVector.length != metadata.model().dimensions()) {
      throw new IllegalArgumentException("vector of " + record.path() + " has " + unitVector.length
          + " dimensions, the index holds " + metadata.model().dimensions());
    }
    writer.updateDocument(IndexSchema.idTerm(record.id()), IndexSchema.toDocument(record, unitVector));
  }

  public void delete(String id) throws IOException {
    writer.deleteDocuments(IndexSchema.idTerm(id));
  }

  /**
   * Merges the index into one segment (one HNSW graph: the fastest queries) and commits. Worth it after a bulk
   * build; costs a rebuild of the merged graph.
   */
  public void forceMerge() throws IOException {
    writer.forceMerge(1);
    writer.commit();
  }

  /** Makes every change so far durable (fsync) and visible to other processes. */
  public void commit() throws IOException {
    writer.commit();
  }

  /** Near-real-time searchers over this writer: sees uncommitted changes after {@code maybeRefresh()}. */
  public SearcherManager searcherManager() {
    return searchers;
  }

  public IndexStats stats() throws IOException {
    searchers.maybeRefreshBlocking();
    IndexSearcher s = searchers.acquire();
    try {
      return IndexStats.of(metadata, s.getIndexReader(), directory);
    } finally {
      searchers.release(s);
    }
  }

  /** Commits pending changes and releases the write lock. */
  @Override public void close() throws IOException {
    try (directory; writer; searchers) {
      // closed in reverse order: searchers, then the writer (which commits), then the directory
    }
  }
}
