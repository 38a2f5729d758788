package dss.search;

import dss.index.ImageRecord;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.lucene.search.IndexSearcher;

/**
 * Whole-library near-duplicate groups through the HNSW graph (a k-NN query per document, cut at the threshold),
 * never an n x n matrix: time about n log n, memory a few arrays of n entries plus the candidate pairs.
 *
 * <p>Grouping rule ({@link DuplicateGrouper}): byte-identical files (same content hash) are always grouped; otherwise
 * every member of a group is within the threshold of every other member (complete linkage seeded by the keeper),
 * so chains A~B~C do not merge A and C. The keeper is the largest pixel count, then the largest file, then the
 * oldest; members list their distance to the keeper.
 */
public final class DuplicateFinder {
  /**
   * Default threshold in DreamSim distance units, calibrated with {@code dreamsim eval dedup} on the copy set made by
   * {@code dreamsim eval make-copies} from the project's sample photos (best pairwise F1). The figure belongs to the
   * model it was measured with: re-run the calibration for another model.
   */
  public static final float DEFAULT_THRESHOLD = 0.1f;

  private final IndexSearcher searcher;

  public DuplicateFinder(IndexSearcher searcher) {
    this.searcher = searcher;
  }

  /** Groups of at least two members, largest first; distances in DreamSim units (1 - cosine), threshold inclusive. */
  public List<DuplicateGroup> find(float threshold) throws IOException {
    IndexedLibrary library = new IndexedLibrary(searcher);
    List<DuplicateGroup> out = new ArrayList<>();
    for (DuplicateGrouper.Group g : DuplicateGrouper.group(library, threshold)) {
      List<Hit> members = new ArrayList<>(g.members().length);
      for (int i = 0; i < g.members().length; i++) {
        members.add(new Hit(library.record(g.members()[i]), g.distances()[i]));
      }
      ImageRecord keeper = members.get(0).image();
      out.add(new DuplicateGroup(keeper, members));
    }
    return out;
  }
}
