package dss.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What failure tests (injected storage faults, kill -9, a Solr node killed) check after the
 * failure: not only the stored records but their vectors survive, and the k-NN search over them
 * works. Public: the command-line tests use it through the engine's test-jar.
 */
public final class CommittedVectors {
  private CommittedVectors() {}

  /**
   * Reads every live document's vector back and runs a k-NN query with it: the vector is a unit
   * vector of the index's dimensions, and the query finds its own document at distance zero.
   * Returns the vectors by path; no path may appear twice.
   */
  public static Map<String, float[]> assertSearchable(ImageIndex index) throws IOException {
    Map<String, float[]> byPath = new HashMap<>();
    int dims = index.metadata().model().dimensions();
    try (ImageIndex.Snapshot snapshot = index.snapshot()) {
      for (int item = 0; item < snapshot.items(); item++) {
        if (!snapshot.live(item)) continue;
        ImageRecord record = snapshot.record(item);
        float[] v = snapshot.vector(item);
        assertEquals(dims, v.length, "dimensions of " + record.path());
        double norm = 0;
        for (float x : v) norm += x * x;
        assertEquals(1.0, Math.sqrt(norm), 1e-3, "a unit vector for " + record.path());
        assertTrue(byPath.put(record.path(), v) == null, "a document twice: " + record.path());
        List<Hit> hits = snapshot.knn(KnnQuery.of(v, 3));
        assertTrue(
            hits.stream().anyMatch(h -> h.image().id().equals(record.id()) && h.distance() < 1e-4),
            "k-NN with the stored vector of " + record.path() + " finds it: " + hits);
      }
    }
    return byPath;
  }
}
