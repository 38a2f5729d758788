package dss.search;

import dss.index.ImageIndex;
import dss.index.ImageRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Comparator;
import java.util.List;

/**
 * An index snapshot seen by {@link DuplicateGrouper}: items are the snapshot's items (unused
 * numbers have no neighbours and no copies, so they never join a group). Memory: one reference per
 * item, and the records of the items that have candidates (the groups list them anyway); vectors
 * stay in the index and are read on demand.
 */
final class SnapshotItems implements DuplicateGrouper.Items {
  /**
   * Neighbours fetched by the first query of an item; more (x4, up to {@link #MAX_K}) while all are
   * within reach.
   */
  static final int FIRST_K = 32;

  static final int MAX_K = 2048;

  /**
   * Slack added to the threshold when picking candidates from the index's scores: those scores are
   * approximate with a quantized index. Every candidate is checked again at full precision by the
   * grouping.
   */
  static final float CANDIDATE_SLACK = 0.05f;

  private final ImageIndex.Snapshot snapshot;

  /**
   * Candidates per neighbour search; 0: no search, the index's own neighbours ({@code
   * neighboursOf}).
   */
  private final int candidates;

  /**
   * Records read on first use: only items with candidates or copies are ever compared for the
   * keeper order, and those are the ones the groups list (reading every record of a large library
   * would cost more than the graph).
   */
  private final ImageRecord[] records;

  /**
   * @param candidates candidates each neighbour search collects (never fewer than the neighbours it
   *     fetches); 0: no search where the index knows an item's neighbours ({@link
   *     ImageIndex.Snapshot#neighboursOf})
   */
  SnapshotItems(ImageIndex.Snapshot snapshot, int candidates) {
    this(snapshot, candidates, Apart.NONE);
  }

  /** With the pairs never to group ({@link DuplicateGrouper.Items#apart}). */
  SnapshotItems(ImageIndex.Snapshot snapshot, int candidates, Apart apart) {
    this.snapshot = snapshot;
    this.candidates = candidates;
    this.records = new ImageRecord[snapshot.items()];
    this.apart = apart;
  }

  private final Apart apart;

  @Override
  public boolean apart(int a, int b) throws IOException {
    if (apart == Apart.NONE) return false;
    String x = record(a).id();
    return apart.involves(x) && apart.apart(x, record(b).id());
  }

  @Override
  public int size() {
    return records.length;
  }

  /** The item's record, kept once read (called from one thread: the grouping, then the finder). */
  ImageRecord record(int item) throws IOException {
    ImageRecord r = records[item];
    if (r == null) {
      r = snapshot.record(item);
      records[item] = r;
    }
    return r;
  }

  @Override
  public float[] vector(int item) throws IOException {
    return snapshot.vector(item);
  }

  /**
   * Without a candidate count, what the index knows cheapest ({@link
   * ImageIndex.Snapshot#neighboursOf}: the Lucene graph's links); with one, a neighbour search per
   * item collecting that many candidates.
   */
  @Override
  public int[] neighbours(int item, float maxDistance) throws IOException {
    if (!snapshot.live(item)) return new int[0];
    float reach = maxDistance + CANDIDATE_SLACK;
    if (candidates == 0) return snapshot.neighboursOf(item, reach).items();
    float[] query = snapshot.vector(item);
    for (int k = FIRST_K; ; k *= 4) {
      ImageIndex.Neighbours found = snapshot.nearest(query, k, Math.max(k, candidates));
      int n = found.items().length;
      boolean full = n == k && found.distances()[k - 1] <= reach;
      if (full && k < MAX_K) continue; // all within reach: there may be more
      int within = 0;
      while (within < n && found.distances()[within] <= reach) within++;
      return java.util.Arrays.copyOf(found.items(), within);
    }
  }

  @Override
  public List<int[]> exactCopies() throws IOException {
    return snapshot.sameContent();
  }

  /**
   * Reads the records in document order: a stored-fields block is decoded once for all its records.
   */
  @Override
  public void prepare(int[] items) throws IOException {
    for (int item : items) record(item);
  }

  /**
   * Largest pixel count, then largest file, then oldest, then path (copies made with cp -p tie on
   * all three).
   */
  @Override
  public Comparator<Integer> keeperOrder() {
    return (a, b) -> {
      try {
        ImageRecord x = record(a);
        ImageRecord y = record(b);
        long px = (long) x.width() * x.height();
        long py = (long) y.width() * y.height();
        if (px != py) return Long.compare(py, px);
        if (x.size() != y.size()) return Long.compare(y.size(), x.size());
        if (x.mtime() != y.mtime()) return Long.compare(x.mtime(), y.mtime());
        return x.path().compareTo(y.path());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    };
  }
}
