package dss.search;

import dss.index.Hit;
import dss.index.ImageIndex;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Whole-library near-duplicate groups through the index's k-NN search (a query per image, cut at
 * the threshold), never an n x n matrix: time about n log n, memory a few arrays of n entries plus
 * the candidate pairs.
 *
 * <p>Grouping rule ({@link DuplicateGrouper}): byte-identical files (same content hash) are always
 * grouped; otherwise every member of a group is within the threshold of every other member
 * (complete linkage seeded by the keeper), so chains A~B~C do not merge A and C. The keeper is the
 * largest pixel count, then the largest file, then the oldest; members list their distance to the
 * keeper.
 */
public final class DuplicateFinder {
  /** Neighbours fetched by an image's first query: the fewest candidates a caller may ask for. */
  public static final int FIRST_NEIGHBOURS = SnapshotItems.FIRST_K;

  /**
   * Default threshold in DreamSim distance units, calibrated with {@code dreamsim eval dedup} on
   * the copy set made by {@code dreamsim eval make-copies} from sample photos (best pairwise F1)
   * with the checked-in test model. The figure belongs to the model it was measured with: re-run
   * the calibration for another model (docs/dedup.md).
   */
  public static final float DEFAULT_THRESHOLD = 0.1f;

  private DuplicateFinder() {}

  /**
   * Groups of at least two members, largest first; distances in DreamSim units (1 - cosine),
   * threshold inclusive.
   */
  public static List<DuplicateGroup> find(ImageIndex.Snapshot snapshot, float threshold)
      throws IOException {
    return find(snapshot, threshold, 0);
  }

  /**
   * As {@link #find(ImageIndex.Snapshot, float)}, each neighbour query collecting {@code
   * candidates} (at least the neighbours it fetches: {@value SnapshotItems#FIRST_K} first, more
   * while all are within the threshold); 0: the search default, {@link
   * dss.index.KnnOptions#defaultCandidates} of the neighbours fetched.
   */
  public static List<DuplicateGroup> find(
      ImageIndex.Snapshot snapshot, float threshold, int candidates) throws IOException {
    return find(snapshot, threshold, candidates, Apart.NONE);
  }

  /**
   * As {@link #find(ImageIndex.Snapshot, float, int)}, never grouping two images that {@code apart}
   * says were dismissed together ({@link DuplicateGrouper}).
   */
  public static List<DuplicateGroup> find(
      ImageIndex.Snapshot snapshot, float threshold, int candidates, Apart apart)
      throws IOException {
    SnapshotItems items = new SnapshotItems(snapshot, candidates, apart);
    List<DuplicateGroup> out = new ArrayList<>();
    for (DuplicateGrouper.ItemGroup g : DuplicateGrouper.group(items, threshold)) {
      List<Hit> members = new ArrayList<>(g.members().length);
      for (int i = 0; i < g.members().length; i++) {
        members.add(new Hit(items.record(g.members()[i]), g.distances()[i]));
      }
      out.add(new DuplicateGroup(members.get(0).image(), members));
    }
    return out;
  }

  /**
   * The snapshot as {@link #find} hands it to {@link DuplicateGrouper}, the same neighbour queries
   * included: for measurements that watch those queries (the dedup recall benchmark compares the
   * pairs they find with exact all-pairs). {@code candidates} as in {@link
   * #find(ImageIndex.Snapshot, float, int)}.
   */
  public static DuplicateGrouper.Items items(ImageIndex.Snapshot snapshot, int candidates)
      throws IOException {
    return new SnapshotItems(snapshot, candidates);
  }
}
