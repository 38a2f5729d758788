package dss.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dss.index.ImageIndex;
import dss.index.ImageRecord;
import dss.index.IndexConfig;
import dss.index.KnnOptions;
import dss.index.KnnQuery;
import dss.index.RecordingIndex;
import dss.index.TestVectors;
import dss.index.lucene.LuceneIndex;
import dss.model.ModelInfo;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The candidate count: the default formula, and a caller's count reaching the index through the
 * query API (the dedup without one asks the index for each image's neighbours instead of
 * searching).
 */
class CandidatesTest {
  @TempDir Path dir;

  @Test
  void theDefaultScalesWithKAndNeverFallsBelowIt() {
    assertEquals(KnnOptions.DEFAULT_CANDIDATES, KnnOptions.defaultCandidates(1, 0));
    assertEquals(KnnOptions.DEFAULT_CANDIDATES, KnnOptions.defaultCandidates(10, 0));
    assertEquals(200, KnnQuery.of(new float[] {1}, 10).candidatesFor(100_000));
    int previous = 0;
    for (int k = 1; k <= 2 * KnnOptions.MAX_CANDIDATES; k++) {
      int c = KnnOptions.defaultCandidates(k, 0);
      assertTrue(
          c >= Math.min(k, KnnOptions.MAX_CANDIDATES)
              && c >= previous
              && c <= KnnOptions.MAX_CANDIDATES,
          "k " + k);
      previous = c;
    }
    assertTrue(
        KnnOptions.defaultCandidates(1000, 0) > KnnOptions.DEFAULT_CANDIDATES,
        "more results: more candidates");
  }

  @Test
  void theDefaultGrowsWithTheLibraryAndAnAskedCountDoesNot() {
    // recall@10 at 200 candidates: 0.966 at 100k, 0.963 at 200k, 0.82 at 1M (docs/benchmarks.md)
    assertEquals(200, KnnOptions.defaultCandidates(10, 160_000));
    assertEquals(250, KnnOptions.defaultCandidates(10, 200_000));
    assertEquals(1250, KnnOptions.defaultCandidates(10, 1_000_000));
    assertEquals(1250, KnnOptions.defaultCandidates(100, 1_000_000));
    assertEquals(4000, KnnOptions.defaultCandidates(1000, 1_000_000));
    assertEquals(10_000, KnnOptions.defaultCandidates(10, 50_000_000), "at most the cap");
    assertEquals(1250, KnnOptions.of(10).candidatesFor(1_000_000));
    assertEquals(300, new KnnOptions(10, null, null, 300).candidatesFor(1_000_000));
    assertEquals(20, new KnnOptions(20, null, null, 5).candidatesFor(1_000_000), "never below k");
    assertEquals(
        KnnOptions.LIBRARY_DEFAULT, KnnOptions.of(10).withK(50).withPathPrefix("/p/").candidates());
    assertThrows(IllegalArgumentException.class, () -> new KnnOptions(10, null, null, -1));
  }

  @Test
  void searchesAndDedupPassTheCandidatesToTheIndex() throws Exception {
    float[][] v = TestVectors.clustered(60, 16, 3);
    try (ImageIndex lucene =
        LuceneIndex.openWritable(dir, new ModelInfo("t", "t", 16, "x"), IndexConfig.DEFAULT)) {
      for (int i = 0; i < v.length; i++) {
        lucene.upsert(
            new ImageRecord("id" + i, "/p/" + i, i < 2 ? "same" : "h" + i, 1, 1, 1, 1, "jpeg", 0),
            v[i]);
      }
      lucene.commit();
      RecordingIndex recording = new RecordingIndex(lucene);
      SimilaritySearch search = new SimilaritySearch(recording.index, null);

      search.byId("id7", new KnnOptions(5, null, null, 333));
      assertEquals(333, recording.knn.getLast().options().candidates());
      search.byId("id7", KnnOptions.of(5).withPathPrefix("/p/"));
      assertEquals(KnnOptions.LIBRARY_DEFAULT, recording.knn.getLast().options().candidates());

      search.duplicateGroups(0.1f, 700);
      assertFalse(recording.nearest.isEmpty());
      for (int[] q : recording.nearest) assertEquals(Math.max(q[0], 700), q[1], "k " + q[0]);
      assertTrue(recording.neighboursOf.isEmpty(), "a candidate count: a search per image");
      recording.nearest.clear();
      search.duplicateGroups(
          0.2f); // the default: the index's own neighbours of each image, no search
      assertTrue(recording.nearest.isEmpty(), "no neighbour search by default");
      assertEquals(
          v.length - 1, recording.neighboursOf.size(), "every image but the exact copy of another");
    }
  }
}
