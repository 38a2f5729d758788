package dss.index;

import dss.model.Vectors;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A second {@link ImageIndex} backend, in memory with exact (brute-force) k-NN: it exists to show
 * that a backend slots in by implementing the interface alone (the ingest pipeline, the query API
 * and dedup run on it unchanged), and to make fast tests. Uncommitted writes are invisible to
 * snapshots, as in the Lucene index.
 */
public final class InMemoryIndex implements ImageIndex {
  private record Doc(ImageRecord record, float[] vector) {}

  private final IndexMetadata metadata;
  private final Map<String, Doc> pending = new LinkedHashMap<>();
  private volatile List<Doc> committed = List.of();
  private long version;

  public InMemoryIndex(IndexMetadata metadata) {
    this.metadata = metadata;
  }

  /** A new instance holding what this one committed, as opening a stored index again would. */
  public synchronized InMemoryIndex reopened() {
    InMemoryIndex again = new InMemoryIndex(metadata);
    for (Doc d : committed) again.pending.put(d.record().id(), d);
    again.commit();
    return again;
  }

  @Override
  public String location() {
    return "memory";
  }

  @Override
  public IndexMetadata metadata() {
    return metadata;
  }

  @Override
  public boolean readOnly() {
    return false;
  }

  @Override
  public synchronized void upsert(ImageRecord record, float[] unitVector) {
    if (unitVector.length != metadata.model().dimensions())
      throw new IllegalArgumentException("dimensions");
    pending.put(record.id(), new Doc(record, unitVector.clone()));
  }

  @Override
  public synchronized void delete(String id) {
    pending.remove(id);
  }

  @Override
  public synchronized void commit() {
    committed = List.copyOf(pending.values());
    version++;
  }

  @Override
  public void optimize() {
    commit();
  }

  @Override
  public void refresh() {}

  /**
   * Nothing is stored, so nothing can be damaged: the check verifies the committed documents'
   * vectors.
   */
  @Override
  public IndexCheck check(boolean full) {
    List<Doc> docs = committed;
    List<IndexCheck.Damage> damage = new ArrayList<>();
    for (Doc d : docs) {
      if (d.vector().length != metadata.model().dimensions()) {
        damage.add(
            new IndexCheck.Damage(
                null, d.record().id(), "vector of " + d.vector().length + " dimensions"));
      }
    }
    return new IndexCheck(
        location(),
        full ? "full" : "fast",
        damage.isEmpty(),
        metadata.model(),
        (long) docs.size(),
        0,
        damage,
        damage.isEmpty() ? null : IndexCheck.recoveryFor(location()),
        IndexCheck.details("version", version));
  }

  @Override
  public synchronized Snapshot snapshot() {
    List<Doc> docs = committed;
    long v = version;
    Map<String, Integer> byId = new HashMap<>();
    for (int i = 0; i < docs.size(); i++) byId.put(docs.get(i).record().id(), i);
    return new Snapshot() {
      @Override
      public long count() {
        return docs.size();
      }

      @Override
      public long version() {
        return v;
      }

      @Override
      public Optional<ImageRecord> get(String id) {
        Integer i = byId.get(id);
        return i == null ? Optional.empty() : Optional.of(docs.get(i).record());
      }

      @Override
      public Optional<float[]> vector(String id) {
        Integer i = byId.get(id);
        return i == null ? Optional.empty() : Optional.of(docs.get(i).vector().clone());
      }

      @Override
      public Optional<ImageRecord> firstWithHash(String sha256) {
        return docs.stream().map(Doc::record).filter(r -> r.hash().equals(sha256)).findFirst();
      }

      @Override
      public List<Hit> knn(KnnQuery q) {
        return docs.stream()
            .filter(d -> q.pathPrefix() == null || d.record().path().startsWith(q.pathPrefix()))
            .map(d -> new Hit(d.record(), Vectors.distance(q.unitVector(), d.vector())))
            .filter(h -> q.maxDistance() == null || h.distance() <= q.maxDistance())
            .sorted(HitOrder.comparator(q.ownId()))
            .limit(q.k())
            .toList();
      }

      @Override
      public int items() {
        return docs.size();
      }

      @Override
      public boolean live(int item) {
        return true;
      }

      @Override
      public ImageRecord record(int item) {
        return docs.get(item).record();
      }

      @Override
      public float[] vector(int item) {
        return docs.get(item).vector().clone();
      }

      @Override
      public Neighbours nearest(float[] unitQuery, int k, int candidates) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < docs.size(); i++) order.add(i);
        float[] d = new float[docs.size()];
        for (int i = 0; i < d.length; i++) d[i] = Vectors.distance(unitQuery, docs.get(i).vector());
        order.sort(Comparator.comparingDouble(i -> d[i]));
        int n = Math.min(k, order.size());
        int[] items = new int[n];
        float[] distances = new float[n];
        for (int i = 0; i < n; i++) {
          items[i] = order.get(i);
          distances[i] = d[items[i]];
        }
        return new Neighbours(items, distances);
      }

      @Override
      public List<int[]> sameContent() {
        Map<String, List<Integer>> byHash = new LinkedHashMap<>();
        for (int i = 0; i < docs.size(); i++) {
          byHash.computeIfAbsent(docs.get(i).record().hash(), h -> new ArrayList<>()).add(i);
        }
        return byHash.values().stream()
            .filter(l -> l.size() >= 2)
            .map(l -> l.stream().mapToInt(Integer::intValue).toArray())
            .toList();
      }

      @Override
      public void close() {}
    };
  }

  @Override
  public IndexStats stats() throws IOException {
    return new IndexStats(
        count(),
        metadata.model().name(),
        metadata.model().dimensions(),
        metadata.config().quantization().name().toLowerCase(java.util.Locale.ROOT),
        1,
        0);
  }

  @Override
  public void close() {
    commit(); // as every backend: closing commits what is pending
  }
}
