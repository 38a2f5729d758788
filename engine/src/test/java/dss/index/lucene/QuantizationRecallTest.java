package dss.index.lucene;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dss.index.Hit;
import dss.index.ImageIndex;
import dss.index.IndexConfig;
import dss.index.KnnQuery;
import dss.index.TestVectors;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * 1792-d vectors (above Lucene's 1024 cap) with every storage: write, reopen read-only, search,
 * read back.
 */
class QuantizationRecallTest {
  static final int N = 1500;
  static final int K = 10;
  static final int QUERIES = 50;

  @TempDir Path tmp;

  @ParameterizedTest
  @EnumSource(IndexConfig.Quantization.class)
  void highDimensionalRecallAgainstExact(IndexConfig.Quantization quantization) throws Exception {
    float[][] vectors = TestVectors.clustered(N, LuceneIndexTest.DIMS, 42);
    try (ImageIndex index =
        LuceneIndex.openWritable(
            tmp, LuceneIndexTest.MODEL, new IndexConfig(quantization, 16, 100))) {
      for (int i = 0; i < N; i++) index.upsert(LuceneIndexTest.record(i), vectors[i]);
      index.commit();
    }
    float[][] queries = TestVectors.clustered(QUERIES, LuceneIndexTest.DIMS, 7);
    try (ImageIndex index = LuceneIndex.openReadOnly(tmp)) {
      assertEquals(quantization.name().toLowerCase(Locale.ROOT), index.stats().quantization());
      try (ImageIndex.Snapshot searcher = index.snapshot()) {
        assertArrayEquals(
            vectors[11],
            searcher.vector(LuceneIndexTest.record(11).id()).orElseThrow(),
            "full-precision vectors are read back even when the graph is quantized");
        double found = 0;
        for (float[] q : queries) {
          Set<String> exact = new HashSet<>();
          for (int i : TestVectors.exactTopK(vectors, q, K))
            exact.add(LuceneIndexTest.record(i).id());
          List<Hit> hits = searcher.knn(KnnQuery.of(q, K));
          assertEquals(K, hits.size());
          for (int i = 1; i < hits.size(); i++)
            assertTrue(hits.get(i - 1).distance() <= hits.get(i).distance());
          for (Hit h : hits) if (exact.contains(h.image().id())) found++;
        }
        double recall = found / (QUERIES * K);
        assertTrue(recall >= 0.9, quantization + " recall@10 " + recall + " against exact search");
      }
    }
  }
}
