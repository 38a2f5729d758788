package dss.index.lucene;

import dss.index.IndexConfig;
import org.apache.lucene.codecs.Codec;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.KnnVectorValues;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.Directory;
import org.apache.lucene.tests.index.BaseKnnVectorsFormatTestCase;
import org.apache.lucene.tests.util.TestUtil;

/**
 * Lucene's own randomized conformance suite for {@link HighDimensionVectorsFormat} (JUnit 4 under
 * RandomizedRunner, run by the vintage engine) around the float32 HNSW delegate the project's codec
 * builds ({@link VectorCodec#hnswFormat}); {@link HighDimensionVectorsFormatInt8Test} runs it all
 * again around the int8 scalar-quantized delegate. (A subclass rather than
 * randomizedtesting's @ParametersFactory: surefire names a JUnit 4 test by its bare method name, so
 * two parameters would report as two runs of one test, and a failure in one next to a pass in the
 * other could be counted as a flake.) Reproduce a failure with the seed it prints: -Dtests.seed=...
 */
public class HighDimensionVectorsFormatTest extends BaseKnnVectorsFormatTestCase {
  private static final int DIMS = 1792; // the DreamSim ensemble, above Lucene's default cap of 1024

  private final KnnVectorsFormat format = new HighDimensionVectorsFormat(delegate());

  /**
   * The format {@link VectorCodec} wraps for this quantization, with the project's default HNSW
   * parameters.
   */
  KnnVectorsFormat delegate() {
    return VectorCodec.hnswFormat(IndexConfig.DEFAULT);
  }

  /**
   * Lucene's own format tests do the same: the asserting codec with our format on every vector
   * field.
   */
  @Override
  protected Codec getCodec() {
    return TestUtil.alwaysKnnVectorsFormat(format);
  }

  /**
   * Whether a quantized format can still answer float queries after its raw vectors are dropped
   * (tested through simulateEmptyRawVectors). Neither delegate is such a format:
   * Lucene99HnswVectorsFormat keeps only raw vectors, and Lucene's own test of
   * Lucene104HnswScalarQuantizedVectorsFormat answers false too.
   */
  @Override
  protected boolean supportsFloatVectorFallback() {
    return false;
  }

  /**
   * A 1792-d vector goes through the format: indexed, merged, read back and found by kNN search.
   * The delegate alone (Lucene's 1024 cap) must refuse the same document, which proves the raised
   * getMaxDimensions is what lets it in.
   */
  public void testAboveDefaultMaxDimensions() throws Exception {
    assertTrue(DIMS > delegate().getMaxDimensions("v"));
    VectorSimilarityFunction similarity =
        VectorSimilarityFunction.DOT_PRODUCT; // what the project indexes
    int n = atLeast(20);
    float[][] vectors = new float[n][];
    for (int i = 0; i < n; i++) vectors[i] = randomNormalizedVector(DIMS);

    try (Directory dir = newDirectory()) {
      try (IndexWriter w = new IndexWriter(dir, new IndexWriterConfig().setCodec(getCodec()))) {
        for (int i = 0; i < n; i++) {
          Document doc = new Document();
          doc.add(new StoredField("id", i));
          doc.add(new KnnFloatVectorField("v", vectors[i], similarity));
          w.addDocument(doc);
          if (i == n / 2) w.commit(); // two segments, so forceMerge runs the format's merge path
        }
        w.forceMerge(1);
      }
      try (DirectoryReader reader = DirectoryReader.open(dir)) {
        LeafReader leaf = getOnlyLeafReader(reader);
        FloatVectorValues values = leaf.getFloatVectorValues("v");
        assertEquals(DIMS, values.dimension());
        assertEquals(n, values.size());
        IndexSearcher searcher = newSearcher(reader);
        for (int q : new int[] {0, n - 1}) {
          TopDocs top = searcher.search(new KnnFloatVectorQuery("v", vectors[q], 3), 3);
          assertTrue(top.scoreDocs.length > 0);
          int doc = top.scoreDocs[0].doc;
          // the stored float32 vector is returned exactly, also when the graph is int8-quantized
          assertEquals(
              q, searcher.storedFields().document(doc).getField("id").numericValue().intValue());
          KnnVectorValues.DocIndexIterator it = values.iterator();
          assertEquals(doc, it.advance(doc));
          assertArrayEquals(vectors[q], values.vectorValue(it.index()), 0f);
        }
      }
    }

    KnnVectorsFormat plain = delegate();
    try (Directory dir = newDirectory();
        IndexWriter w =
            new IndexWriter(
                dir, new IndexWriterConfig().setCodec(TestUtil.alwaysKnnVectorsFormat(plain)))) {
      Document doc = new Document();
      doc.add(new KnnFloatVectorField("v", vectors[0], similarity));
      IllegalArgumentException e =
          expectThrows(IllegalArgumentException.class, () -> w.addDocument(doc));
      assertTrue(e.getMessage(), e.getMessage().contains("vector's dimensions must be <="));
    }
  }
}
