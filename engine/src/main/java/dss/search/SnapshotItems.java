package dss.search;

import dss.index.ImageIndex;
import dss.index.ImageRecord;
import dss.index.KnnOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Comparator;
import java.util.List;

/**
 * An index snapshot seen by {@link DuplicateGrouper}: items are the snapshot's items (unused numbers have no
 * neighbours and no copies, so they never join a group). Memory: three longs per item for the keeper order;
 * vectors stay in the index and are read on demand.
 */
final class SnapshotItems implements DuplicateGrouper.Items {
  /** Neighbours fetched by the first query of an item; more (x4, up to {@link #MAX_K}) while all are within reach. */
  static final int FIRST_K = 32;
  static final int MAX_K = 2048;

  /**
   * Slack added to the threshold when picking candidates from the index's scores: those scores are approximate
   * with a quantized index. Every candidate is checked again at full precision by the grouping.
   */
  static final float CANDIDATE_SLACK = 0.05f;

  private final ImageIndex.Snapshot snapshot;
  /** Candidates per neighbour query; 0: {@link KnnOptions#defaultCandidates} of the neighbours fetched. */
  private final int candidates;
  private final long[] pixels;
  private final long[] bytes;
  private final long[] mtime;

  /**
   * @param candidates candidates each neighbour query collects (never fewer than the neighbours it fetches); 0: the
   *     search default for the neighbours fetched, {@link KnnOptions#defaultCandidates}
   */
  SnapshotItems(ImageIndex.Snapshot snapshot, int candidates) throws IOException {
    this.snapshot = snapshot;
    this.candidates = candidates;
    int n = snapshot.items();
    pixels = new long[n];
    bytes = new long[n];
    mtime = new long[n];
    for (int item = 0; item < n; item++) {
      if (!snapshot.live(item)) continue;
      ImageRecord r = snapshot.record(item);
      pixels[item] = (long) r.width() * r.height();
      bytes[item] = r.size();
      mtime[item] = r.mtime();
    }
  }

  @Override public int size() {
    return pixels.length;
  }

  ImageRecord record(int item) throws IOException {
    return snapshot.record(item);
  }

  @Override public float[] vector(int item) throws IOException {
    return snapshot.vector(item);
  }

  @Override public int[] neighbours(int item, float maxDistance) throws IOException {
    if (!snapshot.live(item)) return new int[0];
    float[] query = snapshot.vector(item);
    float reach = maxDistance + CANDIDATE_SLACK;
    for (int k = FIRST_K; ; k *= 4) {
      ImageIndex.Neighbours found = snapshot.nearest(query, k,
          candidates > 0 ? Math.max(k, candidates) : KnnOptions.defaultCandidates(k));
      int n = found.items().length;
      boolean full = n == k && found.distances()[k - 1] <= reach;
      if (full && k < MAX_K) continue; // all within reach: there may be more
      int within = 0;
      while (within < n && found.distances()[within] <= reach) within++;
      return java.util.Arrays.copyOf(found.items(), within);
    }
  }

  @Override public List<int[]> exactCopies() throws IOException {
    return snapshot.sameContent();
  }

  /** Largest pixel count, then largest file, then oldest, then path (copies made with cp -p tie on all three). */
  @Override public Comparator<Integer> keeperOrder() {
    return (a, b) -> {
      if (pixels[a] != pixels[b]) return Long.compare(pixels[b], pixels[a]);
      if (bytes[a] != bytes[b]) return Long.compare(bytes[b], bytes[a]);
      if (mtime[a] != mtime[b]) return Long.compare(mtime[a], mtime[b]);
      try {
        return record(a).path().compareTo(record(b).path());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    };
  }
}
