package dss.index.lucene;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dss.index.Hit;
import dss.index.ImageIndex;
import dss.index.ImageRecord;
import dss.index.IndexConfig;
import dss.index.KnnOptions;
import dss.index.KnnQuery;
import dss.index.TestVectors;
import dss.model.ModelInfo;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exact-search switch ({@link GraphOrExactQuery}): where at most {@link
 * GraphOrExactQuery#EXACT_PER_CANDIDATE} x candidates documents can match, the k-NN query scores
 * them all and returns exactly the brute-force answer; above that it walks the graph. The vectors
 * are isotropic random ones, on which a graph search with few candidates visibly misses neighbours,
 * so an exact answer cannot come from the graph by luck.
 */
class ExactSearchTest {
  static final int N = 1000;
  static final int DIMS = 256;
  static final int QUERIES = 40;
  static final ModelInfo MODEL = new ModelInfo("exact", "exact", DIMS, "3xact");

  @TempDir static Path dir;
  static float[][] vectors;
  static float[][] queries;

  static ImageRecord record(int i) {
    String path = "/lib/" + (i % 3 == 0 ? "third/" : "rest/") + i + ".jpg";
    return new ImageRecord(ImageRecord.idFor(path), path, "h" + i, 1, 1, 1, 1, "jpeg", 0);
  }

  static int number(Hit h) {
    String p = h.image().path();
    return Integer.parseInt(p.substring(p.lastIndexOf('/') + 1, p.length() - 4));
  }

  static float[][] random(int n, long seed) {
    Random r = new Random(seed);
    float[][] out = new float[n][DIMS];
    for (float[] v : out) {
      for (int d = 0; d < DIMS; d++) v[d] = (float) r.nextGaussian();
      TestVectors.normalize(v);
    }
    return out;
  }

  @BeforeAll
  static void build() throws Exception {
    vectors = random(N, 1);
    queries = random(QUERIES, 2);
    try (ImageIndex index = LuceneIndex.openWritable(dir, MODEL, IndexConfig.DEFAULT)) {
      for (int i = 0; i < N; i++) index.upsert(record(i), vectors[i]);
      index.optimize(); // one segment of N documents
    }
  }

  /** Brute force over {@code among}: the k best by dot product, best first. */
  static int[] bruteForce(float[] q, int[] among, int k) {
    float[][] subset = new float[among.length][];
    for (int i = 0; i < among.length; i++) subset[i] = vectors[among[i]];
    return IntStream.of(TestVectors.exactTopK(subset, q, k)).map(i -> among[i]).toArray();
  }

  static double recall(ImageIndex.Snapshot s, int candidates) throws Exception {
    int[] all = IntStream.range(0, N).toArray();
    long found = 0;
    for (float[] q : queries) {
      int[] exact = bruteForce(q, all, 10);
      for (Hit h : s.knn(new KnnQuery(q, null, new KnnOptions(10, null, null, candidates)))) {
        if (IntStream.of(exact).anyMatch(e -> e == number(h))) found++;
      }
    }
    return found / (QUERIES * 10.0);
  }

  @Test
  void aSmallIndexGivesExactlyTheBruteForceAnswer() throws Exception {
    assertTrue(
        GraphOrExactQuery.EXACT_PER_CANDIDATE * KnnOptions.defaultCandidates(10, N) >= N,
        "the default settings search a " + N + "-document index exactly");
    int[] all = IntStream.range(0, N).toArray();
    try (ImageIndex index = LuceneIndex.openReadOnly(dir);
        ImageIndex.Snapshot s = index.snapshot()) {
      for (float[] q : queries) {
        List<Hit> hits = s.knn(KnnQuery.of(q, 10));
        int[] got = hits.stream().mapToInt(ExactSearchTest::number).toArray();
        assertEquals(Arrays.toString(bruteForce(q, all, 10)), Arrays.toString(got));
        for (Hit h : hits)
          assertEquals(1 - TestVectors.dot(q, vectors[number(h)]), h.distance(), 1e-5f);
      }
    }
  }

  @Test
  void aPathPrefixKeepingFewDocumentsGivesTheBruteForceAnswerAmongThem() throws Exception {
    int[] third = IntStream.range(0, N).filter(i -> i % 3 == 0).toArray();
    try (ImageIndex index = LuceneIndex.openReadOnly(dir);
        ImageIndex.Snapshot s = index.snapshot()) {
      int enough =
          (third.length + GraphOrExactQuery.EXACT_PER_CANDIDATE - 1)
              / GraphOrExactQuery.EXACT_PER_CANDIDATE;
      for (float[] q : queries) {
        // with 10 candidates the exact limit is below the 334 matches: Lucene's filtered graph
        // search...
        assertTrue(GraphOrExactQuery.EXACT_PER_CANDIDATE * 10 < third.length);
        int[] graph =
            s.knn(new KnnQuery(q, null, new KnnOptions(10, null, "/lib/third/", 10))).stream()
                .mapToInt(ExactSearchTest::number)
                .toArray();
        assertTrue(IntStream.of(graph).allMatch(i -> i % 3 == 0));
        // ...with enough candidates for the limit to cover them, the switch scores all matches
        int[] exact =
            s.knn(new KnnQuery(q, null, new KnnOptions(10, null, "/lib/third/", enough))).stream()
                .mapToInt(ExactSearchTest::number)
                .toArray();
        assertEquals(Arrays.toString(bruteForce(q, third, 10)), Arrays.toString(exact));
      }
    }
  }

  @Test
  void theSwitchIsWhatMakesItExact() throws Exception {
    try (ImageIndex index = LuceneIndex.openReadOnly(dir);
        ImageIndex.Snapshot s = index.snapshot()) {
      // candidates 10: exact limit 100 < 1000 documents, so the graph: it misses true neighbours on
      // these vectors
      double graph = recall(s, 10);
      assertTrue(
          graph < 0.95,
          "the graph with 10 candidates finds only part of the true neighbours: " + graph);
      // candidates 100: exact limit 1000 >= 1000 documents, so exact search
      assertEquals(1.0, recall(s, N / GraphOrExactQuery.EXACT_PER_CANDIDATE));
    }
  }
}
