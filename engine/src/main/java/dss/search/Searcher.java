package dss.search;

import dss.index.ImageRecord;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.apache.lucene.search.IndexSearcher;

/**
 * Queries over one point-in-time view of the index (wrap a searcher acquired from a SearcherManager).
 * (Contract stub: implemented by the index issue.)
 */
public final class Searcher {
  private final IndexSearcher searcher;

  public Searcher(IndexSearcher searcher) {
    this.searcher = searcher;
  }

  /**
   * Nearest first. {@code maxDistance} and {@code pathPrefix} may be null; with quantization the top candidates
   * are rescored at full precision.
   */
  public List<Hit> knn(float[] unitQuery, int k, Float maxDistance, String pathPrefix) throws IOException {
    throw new UnsupportedOperationException("not built yet");
  }

  public Optional<ImageRecord> get(String id) throws IOException {
    throw new UnsupportedOperationException("not built yet");
  }

  /** The stored vector of an indexed image, read back from the vector field. */
  public Optional<float[]> vector(String id) throws IOException {
    throw new UnsupportedOperationException("not built yet");
  }

  public int count() {
    return searcher.getIndexReader().numDocs();
  }
}
