package dss.search;

import java.io.IOException;
import java.util.List;
import org.apache.lucene.search.IndexSearcher;

/**
 * Whole-library near-duplicate groups through the HNSW graph (a k-NN query per document), never an n x n matrix.
 * (Contract stub: implemented by the dedup issue.)
 */
public final class DuplicateFinder {
  /** Default threshold in DreamSim distance units (calibrated by {@code dreamsim eval dedup}). */
  public static final float DEFAULT_THRESHOLD = 0.1f;

  private final IndexSearcher searcher;

  public DuplicateFinder(IndexSearcher searcher) {
    this.searcher = searcher;
  }

  /** Groups of at least two members, largest first. */
  public List<DuplicateGroup> find(float threshold) throws IOException {
    throw new UnsupportedOperationException("not built yet");
  }
}
