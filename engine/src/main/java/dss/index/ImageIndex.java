package dss.index;

import java.io.Closeable;
import java.io.IOException;
import java.util.Optional;

/**
 * The vectors and records of a photo library, behind one interface: the embedded Lucene index (the
 * default) is one implementation, a SolrCloud collection another; {@link IndexProvider} opens the
 * right one for a location. Nothing above this interface sees the backend's types.
 *
 * <p><b>Writes</b> ({@link #upsert}, {@link #delete}) are keyed on {@link ImageRecord#id()}: one
 * document per id, so replaying work after a crash never duplicates anything. They become durable,
 * and visible to new {@link #snapshot() snapshots}, at {@link #commit()}; closing a writable index
 * commits what is pending. A read-only index refuses writes with an {@link IndexException}.
 *
 * <p><b>Reads</b> go through a {@link Snapshot}: a point-in-time view that stays consistent while
 * it is open (close it promptly: it may pin files). The default methods here take a snapshot for
 * one call. {@link #refresh()} makes the latest commit (another process's, for a read-only index)
 * visible to the next snapshot.
 *
 * <p>Distances are DreamSim distances, {@code 1 - cosine} of unit vectors, in [0, 2].
 */
public interface ImageIndex extends Closeable {
  /** Where the index lives (a directory, a URL), for messages. */
  String location();

  /** The model that made the vectors and how they are stored. */
  IndexMetadata metadata();

  /**
   * True when this instance cannot write (opened read-only, or another process holds the writer).
   */
  boolean readOnly();

  /**
   * Adds or replaces the document of {@code record.id()}; {@code unitVector} has the model's
   * dimensions.
   */
  void upsert(ImageRecord record, float[] unitVector) throws IOException;

  void delete(String id) throws IOException;

  /** Makes every change so far durable and visible to new snapshots. */
  void commit() throws IOException;

  /**
   * Compacts the index for the fastest queries (Lucene: one segment, one graph) and commits; may
   * take long.
   */
  void optimize() throws IOException;

  /** Makes the latest committed state visible to the next snapshot (cheap when nothing changed). */
  void refresh() throws IOException;

  /** A point-in-time view for reading; close it when done. */
  Snapshot snapshot() throws IOException;

  /** Documents, storage and size on disk. */
  IndexStats stats() throws IOException;

  /**
   * Verifies the latest commit: with {@code full}, every byte's checksum and every structure (slow
   * on a large index: it reads everything); without, only the cheap part (the commit, the metadata,
   * the small files, the large files' ends), fast enough to run at every start. Damage is reported
   * in the result, never thrown; a live index (written by this instance or another process) can be
   * checked while it changes.
   *
   * @throws IOException when the check itself cannot run (no index there, the storage unreachable)
   */
  default IndexCheck check(boolean full) throws IOException {
    throw new IndexException.Unsupported("index " + location() + "'s", "check", null);
  }

  /**
   * Verifies every stored byte, as a server repeats it while it serves: at least the checksums of
   * everything ({@link #check(boolean) check(true)} by default); a backend whose stored files never
   * change once written reads only what is new since this instance last verified ({@code again}:
   * everything, as the first call does). Once damage is found, this instance refuses writes
   * (nothing is built on damaged data).
   *
   * @throws IndexException.Unsupported when the backend has no check (SolrCloud keeps its replicas'
   *     checksums itself)
   */
  default IndexCheck verify(boolean again) throws IOException {
    return check(true);
  }

  /**
   * Throws a clear error when {@code model} did not make this index's vectors (queries would be
   * meaningless).
   */
  default void requireModel(dss.model.ModelInfo model) throws IndexException {
    metadata().requireModel(model, location());
  }

  default long count() throws IOException {
    try (Snapshot s = snapshot()) {
      return s.count();
    }
  }

  default Optional<ImageRecord> get(String id) throws IOException {
    try (Snapshot s = snapshot()) {
      return s.get(id);
    }
  }

  default java.util.List<Hit> knn(KnnQuery query) throws IOException {
    try (Snapshot s = snapshot()) {
      return s.knn(query);
    }
  }

  /**
   * A point-in-time view of the index. Safe to use from several threads at once.
   *
   * <p>Besides lookups by id and k-NN queries, it numbers its documents as <em>items</em> {@code 0
   * .. items() - 1} for whole-library passes (duplicate groups, the sweep of vanished files); some
   * numbers may be unused ({@link #live(int)} false). Item numbers are valid only within this
   * snapshot.
   */
  interface Snapshot extends Closeable {
    /** Live documents. */
    long count();

    /** Changes whenever the visible content changes: a key for caches of whole-library results. */
    long version();

    Optional<ImageRecord> get(String id) throws IOException;

    /**
     * The stored vector of an image, at full precision even when the index stores quantized
     * vectors.
     */
    Optional<float[]> vector(String id) throws IOException;

    /**
     * Some indexed image whose content hash is {@code sha256} (a copy, or the same file under
     * another name).
     */
    Optional<ImageRecord> firstWithHash(String sha256) throws IOException;

    /** Nearest first; see {@link KnnQuery} for the filter, cut-off and candidate count. */
    java.util.List<Hit> knn(KnnQuery query) throws IOException;

    /** One past the largest item number. */
    int items();

    boolean live(int item);

    ImageRecord record(int item) throws IOException;

    float[] vector(int item) throws IOException;

    /**
     * Up to {@code k} items nearest to {@code unitQuery} by the index's own (possibly approximate)
     * search, nearest first, collecting {@code candidates} (at least {@code k}) as {@link
     * KnnOptions#candidates()} does; {@code distances} are the index's scores as DreamSim distances
     * (approximate when quantized). One abstract method, so a backend cannot honour one form and
     * silently ignore the candidates of the other.
     */
    Neighbours nearest(float[] unitQuery, int k, int candidates) throws IOException;

    /**
     * As {@link #nearest(float[], int, int)} with {@link KnnOptions#defaultCandidates} candidates.
     */
    default Neighbours nearest(float[] unitQuery, int k) throws IOException {
      return nearest(unitQuery, k, KnnOptions.defaultCandidates(k));
    }

    /**
     * Items within {@code maxDistance} of {@code item}, nearest first, the item itself left out,
     * found as cheaply as the backend can: the whole-library dedup asks this of every item, so it
     * must not cost a search where the index already knows the answer. The Lucene backend walks its
     * HNSW graph's links from the item (exact distances); this default searches from the item's
     * vector ({@link #nearest(float[], int)}, k = 32 and x4 up to 2048 while every hit is within
     * reach), distances as the index scores them.
     */
    default Neighbours neighboursOf(int item, float maxDistance) throws IOException {
      float[] query = vector(item);
      for (int k = 32; ; k *= 4) {
        Neighbours found = nearest(query, k);
        int n = found.items().length;
        if (n == k && found.distances()[k - 1] <= maxDistance && k < 2048)
          continue; // all within reach: more?
        int[] items = new int[n];
        float[] distances = new float[n];
        int within = 0;
        for (int i = 0; i < n && found.distances()[i] <= maxDistance; i++) {
          if (found.items()[i] == item) continue;
          items[within] = found.items()[i];
          distances[within++] = found.distances()[i];
        }
        return new Neighbours(
            java.util.Arrays.copyOf(items, within), java.util.Arrays.copyOf(distances, within));
      }
    }

    /**
     * A page of the library in a stable order (see {@link ListingQuery}) and how many images match
     * its filter. Backends answer from sorted columns (Lucene doc values, Solr sort/start/rows), a
     * cursor page by seeking to the cursor's sort values; this default reads and sorts every
     * record, correct on any backend but slow on a large library. {@link Listing#next()} is set
     * whenever another page follows.
     */
    default Listing list(ListingQuery query) throws IOException {
      java.util.List<ImageRecord> matching = new java.util.ArrayList<>();
      for (int item = 0; item < items(); item++) {
        if (!live(item)) continue;
        ImageRecord r = record(item);
        if (query.matches(r)) matching.add(r);
      }
      matching.sort(query.order().comparator());
      int from = Math.min(matching.size(), query.offset());
      if (query.after() != null) {
        while (from < matching.size() && !query.after().precedes(matching.get(from), query.order()))
          from++;
      }
      int to =
          (int)
              Math.min(
                  matching.size(),
                  (long) from + query.limit() + 1); // one more: is there a next page?
      return Listing.of(matching.size(), matching.subList(from, to), query.limit());
    }

    /**
     * Live items sharing a content hash, as classes of two or more; each item in at most one class.
     */
    java.util.List<int[]> sameContent() throws IOException;

    @Override
    void close() throws IOException;
  }

  /** Items and their distances, nearest first. */
  record Neighbours(int[] items, float[] distances) {}
}
