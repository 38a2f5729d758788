package dss.index.lucene;

import dss.index.ImageIndex;
import dss.index.IndexBackup;
import dss.index.IndexCheck;
import dss.index.IndexConfig;
import dss.index.IndexException;
import dss.index.IndexMetadata;
import dss.index.IndexStats;
import dss.model.ModelInfo;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.apache.lucene.index.CorruptIndexException;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexCommit;
import org.apache.lucene.index.IndexFormatTooNewException;
import org.apache.lucene.index.IndexFormatTooOldException;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.KeepOnlyLastCommitDeletionPolicy;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.index.SnapshotDeletionPolicy;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.LockObtainFailedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded index: a Lucene index in one directory, vectors in an HNSW field ({@link
 * VectorCodec}), records in stored fields ({@link IndexSchema}), the {@link IndexMetadata} in the
 * commit user data.
 *
 * <p>One writer per directory: a second writer gets {@link IndexException.InUse}. A read-only
 * instance takes no lock, sees the latest commit and picks up newer ones at {@link #refresh()}. A
 * writable instance's snapshots are near-real-time: they see its own commits at once. After a crash
 * the index opens at its last commit.
 */
public final class LuceneIndex implements ImageIndex {
  private static final Logger LOG = LoggerFactory.getLogger(LuceneIndex.class);

  private final String location;
  private final Directory directory;
  private final IndexWriter writer; // null: read-only
  private final SearcherManager searchers;
  private final IndexMetadata metadata;

  /** Files whose every byte {@link #verify} has checked, by name, with their length. */
  private final Map<String, Long> verifiedFiles = new java.util.HashMap<>();

  /** What {@link #verify} found damaged; writes stop from then on. Null: no damage found. */
  private volatile IndexCheck damage;

  private LuceneIndex(
      String location, Directory directory, IndexWriter writer, IndexMetadata metadata)
      throws IOException {
    this.location = location;
    this.directory = directory;
    this.writer = writer;
    this.metadata = metadata;
    this.searchers =
        writer != null ? new SearcherManager(writer, null) : new SearcherManager(directory, null);
  }

  /**
   * Opens or creates the index at {@code dir} for writing; refuses an index made by a different
   * model. An existing index keeps the vector storage it was created with; {@code config} applies
   * only to a new index.
   *
   * @throws IndexException.InUse when another process (or another open instance) is writing to
   *     {@code dir}
   * @throws IndexException when the index was built with a different model
   */
  public static LuceneIndex openWritable(Path dir, ModelInfo model, IndexConfig config)
      throws IOException {
    Files.createDirectories(dir);
    return openWritable(FSDirectory.open(dir), dir.toString(), model, config);
  }

  /**
   * As {@link #openWritable(Path, ModelInfo, IndexConfig)} on any directory (tests wrap it to
   * inject faults).
   */
  public static LuceneIndex openWritable(
      Directory directory, String location, ModelInfo model, IndexConfig config)
      throws IOException {
    try {
      IndexMetadata existing = readMetadata(directory, location);
      if (existing != null) existing.requireModel(model, location);
      IndexMetadata metadata = existing != null ? existing : new IndexMetadata(model, config);
      IndexWriterConfig iwc =
          new IndexWriterConfig()
              .setCodec(new VectorCodec(metadata.config()))
              .setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND)
              // the last commit only, as by default; check and backup hold a commit's files while
              // they read them
              .setIndexDeletionPolicy(
                  new SnapshotDeletionPolicy(new KeepOnlyLastCommitDeletionPolicy()))
              .setRAMBufferSizeMB(256)
              .setUseCompoundFile(
                  false); // vector files are large and read through mmap on their own anyway
      IndexWriter writer;
      try {
        writer = new IndexWriter(directory, iwc);
      } catch (LockObtainFailedException e) {
        throw new IndexException.InUse(location, e);
      }
      try {
        writer.setLiveCommitData(metadata.toMap().entrySet());
        if (existing == null)
          writer.commit(); // record the model at once: readers can open an empty index
        return new LuceneIndex(location, directory, writer, metadata);
      } catch (IOException | RuntimeException e) {
        writer.rollback(); // releases the lock, writes nothing
        throw e;
      }
    } catch (CorruptIndexException | IndexFormatTooOldException | IndexFormatTooNewException e) {
      directory.close();
      throw IndexException.damaged(location, e);
    } catch (IOException | RuntimeException e) {
      directory.close();
      throw e;
    }
  }

  /**
   * Opens an existing index for reading only, e.g. while an indexer process writes to it: no lock,
   * the latest commit. Opens with Lucene's default codec (segments name the built-in vectors
   * formats), whatever the dimension.
   *
   * @throws IndexException when there is no index at {@code dir}, it was not made by dreamsim, or
   *     Lucene finds it damaged while opening it (opening reads little: {@link #check} verifies
   *     every file)
   */
  public static LuceneIndex openReadOnly(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) throw IndexException.missing(dir.toString());
    Directory directory = FSDirectory.open(dir);
    try {
      IndexMetadata metadata = readMetadata(directory, dir.toString());
      if (metadata == null) throw IndexException.missing(dir.toString());
      return new LuceneIndex(dir.toString(), directory, null, metadata);
    } catch (CorruptIndexException | IndexFormatTooOldException | IndexFormatTooNewException e) {
      directory.close();
      throw IndexException.damaged(dir.toString(), e);
    } catch (IOException | RuntimeException e) {
      directory.close();
      throw e;
    }
  }

  /**
   * The writer when the index is free, else read-only when another process is writing it (the
   * server serves an index that {@code dreamsim index} is building) or when its folder cannot be
   * written (a read-only file system, another user's files). Either way the model must match.
   */
  public static LuceneIndex openShared(Path dir, ModelInfo model, IndexConfig config)
      throws IOException {
    try {
      return openWritable(dir, model, config);
    } catch (IndexException.InUse e) {
      LOG.info("index {} is being written by another process: opening it read-only", dir);
    } catch (IndexException e) {
      throw e; // a wrong model: the same answer read-only
    } catch (IOException e) {
      if (!cannotWrite(dir, e)) throw e;
      LOG.info("index {} cannot be written ({}): opening it read-only", dir, e.getMessage());
    }
    LuceneIndex reader = openReadOnly(dir);
    try {
      reader.requireModel(model);
    } catch (IndexException wrongModel) {
      reader.close();
      throw wrongModel;
    }
    return reader;
  }

  /**
   * Whether opening the writer failed because the folder or its lock file cannot be written:
   * permission denied, a read-only file system, an immutable file. Such a folder is not writable
   * ({@code access(W_OK)} says so for each of these), whatever the exception's type.
   */
  private static boolean cannotWrite(Path dir, IOException e) {
    if (e instanceof AccessDeniedException) return true;
    if (e instanceof FileSystemException fs
        && String.valueOf(fs.getReason()).contains("Read-only file system")) {
      return true;
    }
    return Files.isDirectory(dir) && !Files.isWritable(dir);
  }

  /**
   * Checks the index at {@code dir} without opening it for searching (so a damaged index can be
   * checked): see {@link ImageIndex#check(boolean)}. Takes no lock, writes nothing: works on a
   * read-only file system and while another process writes the index.
   *
   * @throws IndexException.Missing when there is no index at {@code dir}
   */
  public static IndexCheck check(Path dir, boolean full) throws IOException {
    if (!Files.isDirectory(dir)) throw IndexException.missing(dir.toString());
    try (Directory directory = FSDirectory.open(dir)) {
      return LuceneIndexCheck.latest(directory, dir.toString(), full);
    }
  }

  /**
   * Copies the latest commit of the index at {@code dir} into the new folder {@code dest}, while a
   * writer (in another process) may go on, then checks the copy in full. Files are hard-linked when
   * {@code dest} is on the same file system (Lucene never changes a written file), copied otherwise
   * or when {@code copy}. The copy is a complete index: restoring it is pointing {@code --index} at
   * it or moving it into place.
   *
   * @throws IndexException.Missing when there is no index at {@code dir}
   * @throws IndexException when {@code dest} exists or is inside the index, or the index is damaged
   *     beyond reading its commit
   */
  public static IndexBackup backup(Path dir, Path dest, boolean copy) throws IOException {
    return LuceneBackup.latest(dir, dest, copy, () -> {});
  }

  /**
   * Checks the last commit; a writable instance holds it (its files are not deleted) while it is
   * checked.
   */
  @Override
  public IndexCheck check(boolean full) throws IOException {
    if (writer == null) return LuceneIndexCheck.latest(directory, location, full);
    SnapshotDeletionPolicy commits =
        (SnapshotDeletionPolicy) writer.getConfig().getIndexDeletionPolicy();
    IndexCommit commit = commits.snapshot();
    try {
      return LuceneIndexCheck.commit(directory, location, commit.getSegmentsFileName(), full);
    } finally {
      commits.release(commit);
      writer.deleteUnusedFiles();
    }
  }

  /**
   * The checksum of every byte of the latest commit's files (the level "checksums": Lucene's
   * structure checks are {@link #check(boolean) check(true)}'s), reading only the files this
   * instance has not verified before (Lucene never changes a written file: what was verified stays
   * verified unless something outside Lucene writes into the folder, which {@code again} catches).
   * Damage found stops this instance's writes.
   */
  @Override
  public IndexCheck verify(boolean again) throws IOException {
    synchronized (verifiedFiles) {
      if (again) verifiedFiles.clear();
      IndexCheck result;
      if (writer == null) {
        result = LuceneIndexCheck.latest(directory, location, true, verifiedFiles);
      } else {
        SnapshotDeletionPolicy commits =
            (SnapshotDeletionPolicy) writer.getConfig().getIndexDeletionPolicy();
        IndexCommit commit = commits.snapshot();
        try {
          result =
              LuceneIndexCheck.commit(
                  directory, location, commit.getSegmentsFileName(), true, verifiedFiles);
        } finally {
          commits.release(commit);
          writer.deleteUnusedFiles();
        }
      }
      if (!result.healthy()) damage = result;
      return result;
    }
  }

  /**
   * The metadata of the latest commit in {@code directory}, or null when there is no index there
   * yet.
   */
  private static IndexMetadata readMetadata(Directory directory, String location)
      throws IOException {
    if (!DirectoryReader.indexExists(directory)) return null;
    Map<String, String> data = SegmentInfos.readLatestCommit(directory).getUserData();
    return IndexMetadata.fromMap(data, location);
  }

  @Override
  public String location() {
    return location;
  }

  @Override
  public IndexMetadata metadata() {
    return metadata;
  }

  @Override
  public boolean readOnly() {
    return writer == null;
  }

  @Override
  public void upsert(dss.index.ImageRecord record, float[] unitVector) throws IOException {
    if (unitVector.length != metadata.model().dimensions()) {
      throw new IllegalArgumentException(
          "vector of "
              + record.path()
              + " has "
              + unitVector.length
              + " dimensions, the index holds "
              + metadata.model().dimensions());
    }
    IndexWriter w = requireWriter();
    try {
      w.updateDocument(IndexSchema.idTerm(record.id()), IndexSchema.toDocument(record, unitVector));
    } catch (IOException e) {
      throw cannotWrite(e);
    }
  }

  @Override
  public void delete(String id) throws IOException {
    IndexWriter w = requireWriter();
    try {
      w.deleteDocuments(IndexSchema.idTerm(id));
    } catch (IOException e) {
      throw cannotWrite(e);
    }
  }

  /** Durable (fsync) and visible to this instance's next snapshot and to other processes. */
  @Override
  public void commit() throws IOException {
    IndexWriter w = requireWriter();
    try {
      w.commit();
    } catch (IOException e) {
      throw cannotWrite(e);
    }
    searchers.maybeRefreshBlocking();
  }

  /**
   * Merges into one segment (one HNSW graph: the fastest queries) and commits; rebuilds the merged
   * graph.
   */
  @Override
  public void optimize() throws IOException {
    requireWriter().forceMerge(1);
    commit();
  }

  @Override
  public void refresh() throws IOException {
    searchers.maybeRefresh();
  }

  @Override
  public Snapshot snapshot() throws IOException {
    IndexSearcher searcher = searchers.acquire();
    return new LuceneSnapshot(searcher, () -> searchers.release(searcher));
  }

  @Override
  public IndexStats stats() throws IOException {
    if (writer != null) searchers.maybeRefreshBlocking();
    IndexSearcher s = searchers.acquire();
    try {
      long bytes = 0;
      for (String file : directory.listAll()) {
        if (file.equals(IndexWriter.WRITE_LOCK_NAME)) continue;
        try {
          bytes += directory.fileLength(file);
        } catch (NoSuchFileException e) {
          // deleted by a concurrent merge between listAll and fileLength
        }
      }
      return new IndexStats(
          s.getIndexReader().numDocs(),
          metadata.model().name(),
          metadata.model().dimensions(),
          metadata.config().quantization().name().toLowerCase(Locale.ROOT),
          s.getIndexReader().leaves().size(),
          bytes);
    } finally {
      searchers.release(s);
    }
  }

  /** A write failed (e.g. a full disk): say which index, and keep the cause. */
  private IndexException cannotWrite(IOException e) {
    return new IndexException("index " + location + " could not be written: " + e.getMessage(), e);
  }

  private IndexWriter requireWriter() throws IndexException {
    if (writer == null) throw IndexException.readOnly(location);
    IndexCheck found = damage;
    if (found != null)
      throw new IndexException("writes stopped: " + found.summary()); // never build on damage
    return writer;
  }

  /** Commits pending changes (a writer) and releases the lock. */
  @Override
  public void close() throws IOException {
    if (writer != null && damage != null) writer.rollback(); // pending writes never reach a commit
    try (directory;
        writer;
        searchers) {
      // closed in reverse order: searchers, then the writer (which commits), then the directory
    }
  }
}
