package dss.index;

import dss.model.ModelInfo;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import org.apache.lucene.search.SearcherManager;

/**
 * The on-disk Lucene index of a photo library: one writer per index directory (a second process gets a clear
 * "index in use" error), vectors in an HNSW field, the model recorded in the commit user data.
 * (Contract stub: implemented by the index issue.)
 */
public final class LibraryIndex implements Closeable {
  /** Opens or creates the index for writing; refuses an index made by a different model. */
  public static LibraryIndex open(Path dir, ModelInfo model, IndexConfig config) throws IOException {
    throw new UnsupportedOperationException("not built yet");
  }

  /** Adds or replaces the document for {@code record.path()}. */
  public void upsert(ImageRecord record, float[] unitVector) throws IOException {
    throw new UnsupportedOperationException("not built yet");
  }

  public void delete(String id) throws IOException {
    throw new UnsupportedOperationException("not built yet");
  }

  public void commit() throws IOException {
    throw new UnsupportedOperationException("not built yet");
  }

  /** Near-real-time searchers over this writer: sees uncommitted changes after {@code maybeRefresh()}. */
  public SearcherManager searcherManager() {
    throw new UnsupportedOperationException("not built yet");
  }

  @Override public void close() throws IOException {}
}
