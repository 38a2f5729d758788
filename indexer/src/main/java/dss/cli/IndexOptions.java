package dss.cli;

import dss.index.ImageIndex;
import dss.index.IndexBackup;
import dss.index.IndexCheck;
import dss.index.IndexConfig;
import dss.index.lucene.LuceneIndex;
import dss.model.ModelInfo;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --index}: which index a command works on. The one place that picks the backend: a directory is the
 * embedded Lucene index. Commands and the server only see {@link ImageIndex}.
 */
public final class IndexOptions {
  @Option(names = "--index", paramLabel = "DIR", description = "Index directory (default: index-data/).")
  Path index;

  Path dir() {
    return (index != null ? index : Workspace.defaultIndex()).toAbsolutePath().normalize();
  }

  /** An existing index, read-only (works while another process writes it). */
  ImageIndex openReadOnly() throws IOException {
    return LuceneIndex.openReadOnly(dir());
  }

  /** An existing index, read-only, refusing one built by another model. */
  ImageIndex openReadOnly(ModelInfo model) throws IOException {
    ImageIndex index = openReadOnly();
    try {
      index.requireModel(model);
      return index;
    } catch (IOException | RuntimeException e) {
      index.close();
      throw e;
    }
  }

  /** Opens or creates the index for writing; {@code config} applies to a new index only. */
  ImageIndex openWritable(ModelInfo model, IndexConfig config) throws IOException {
    return LuceneIndex.openWritable(dir(), model, config);
  }

  /** Verifies the index without opening it for searching ({@link ImageIndex#check}); a damaged one too. */
  IndexCheck check(boolean full) throws IOException {
    return LuceneIndex.check(dir(), full);
  }

  /** A checked copy of the last commit in the new folder {@code dest}, also while another process writes. */
  IndexBackup backup(Path dest, boolean copy) throws IOException {
    return LuceneIndex.backup(dir(), dest, copy);
  }

  /** Writable when free, else read-only (another process is indexing it). */
  ImageIndex openShared(ModelInfo model, IndexConfig config) throws IOException {
    return LuceneIndex.openShared(dir(), model, config);
  }
}
