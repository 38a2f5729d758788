package dss.index.lucene;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dss.index.Hit;
import dss.index.ImageIndex;
import dss.index.IndexConfig;
import dss.index.KnnOptions;
import dss.index.KnnQuery;
import dss.index.TestVectors;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * More candidates never cost recall: on a fixed set of 2,000 1792-d vectors, recall@10 against
 * exact search is non-decreasing over a sweep of candidate counts, reaching 1 where the
 * exact-search switch takes over.
 */
class CandidateRecallTest {
  static final int N = 2000;
  static final int QUERIES = 100;
  static final int[] SWEEP = {10, 20, 40, 80, 120, 160, 400};

  @TempDir Path dir;

  @Test
  void recallNeverDropsAsCandidatesGrow() throws Exception {
    float[][] vectors = TestVectors.clustered(N, LuceneIndexTest.DIMS, 11);
    float[][] queries = TestVectors.clustered(QUERIES, LuceneIndexTest.DIMS, 12);
    try (ImageIndex index =
        LuceneIndex.openWritable(dir, LuceneIndexTest.MODEL, IndexConfig.DEFAULT)) {
      for (int i = 0; i < N; i++) index.upsert(LuceneIndexTest.record(i), vectors[i]);
      index.optimize();
    }
    double[] recall = new double[SWEEP.length];
    try (ImageIndex index = LuceneIndex.openReadOnly(dir);
        ImageIndex.Snapshot s = index.snapshot()) {
      for (int e = 0; e < SWEEP.length; e++) {
        long found = 0;
        for (float[] q : queries) {
          Set<String> exact = new HashSet<>();
          for (int i : TestVectors.exactTopK(vectors, q, 10))
            exact.add(LuceneIndexTest.record(i).id());
          for (Hit h : s.knn(new KnnQuery(q, null, new KnnOptions(10, null, null, SWEEP[e]))))
            if (exact.contains(h.image().id())) found++;
        }
        recall[e] = found / (QUERIES * 10.0);
      }
    }
    StringBuilder curve = new StringBuilder();
    for (int e = 0; e < SWEEP.length; e++)
      curve.append(String.format(Locale.ROOT, " %d:%.3f", SWEEP[e], recall[e]));
    assertTrue(
        recall[0] < 1.0,
        "the set is hard enough for the graph to miss neighbours at 10 candidates:" + curve);
    for (int e = 1; e < SWEEP.length; e++) {
      assertTrue(
          recall[e] >= recall[e - 1],
          "recall dropped from " + SWEEP[e - 1] + " to " + SWEEP[e] + " candidates:" + curve);
    }
    assertTrue(GraphOrExactQuery.EXACT_PER_CANDIDATE * SWEEP[SWEEP.length - 1] >= N);
    assertEquals(
        1.0,
        recall[SWEEP.length - 1],
        "exact search at " + SWEEP[SWEEP.length - 1] + " candidates:" + curve);
  }
}
