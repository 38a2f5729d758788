package dss.index;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dss.search.Hit;
import dss.search.Searcher;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.lucene.search.IndexSearcher;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** 1792-d vectors (above Lucene's 1024 cap) with every storage: write, reopen read-only, search, read back. */
class QuantizationRecallTest {
  static final int N = 1500;
  static final int K = 10;
  static final int QUERIES = 50;

  @TempDir Path tmp;

  @ParameterizedTest
  @EnumSource(IndexConfig.Quantization.class)
  void highDimensionalRecallAgainstExact(IndexConfig.Quantization quantization) throws Exception {
    float[][] vectors = TestVectors.clustered(N, LibraryIndexTest.DIMS, 42);
    try (LibraryIndex index = LibraryIndex.open(tmp, LibraryIndexTest.MODEL, new IndexConfig(quantization, 16, 100))) {
      for (int i = 0; i < N; i++) index.upsert(LibraryIndexTest.record(i), vectors[i]);
      index.commit();
    }
    float[][] queries = TestVectors.clustered(QUERIES, LibraryIndexTest.DIMS, 7);
    try (ReadOnlyIndex index = ReadOnlyIndex.open(tmp)) {
      assertEquals(quantization.name().toLowerCase(), index.stats().quantization());
      IndexSearcher s = index.searcherManager().acquire();
      try {
        Searcher searcher = new Searcher(s);
        assertArrayEquals(vectors[11], searcher.vector(LibraryIndexTest.record(11).id()).orElseThrow(),
            "full-precision vectors are read back even when the graph is quantized");
        double found = 0;
        for (float[] q : queries) {
          Set<String> exact = new HashSet<>();
          for (int i : TestVectors.exactTopK(vectors, q, K)) exact.add(LibraryIndexTest.record(i).id());
          List<Hit> hits = searcher.knn(q, K, null, null);
          assertEquals(K, hits.size());
          for (int i = 1; i < hits.size(); i++) assertTrue(hits.get(i - 1).distance() <= hits.get(i).distance());
          for (Hit h : hits) if (exact.contains(h.image().id())) found++;
        }
        double recall = found / (QUERIES * K);
        assertTrue(recall >= 0.9, quantization + " recall@10 " + recall + " against exact search");
      } finally {
        index.searcherManager().release(s);
      }
    }
  }
}
