package dss.index.lucene;

import dss.index.IndexConfig;
import org.apache.lucene.codecs.KnnVectorsFormat;

/**
 * {@link HighDimensionVectorsFormatTest}, every inherited and own test, around the int8
 * scalar-quantized HNSW delegate (Lucene104HnswScalarQuantizedVectorsFormat, UNSIGNED_BYTE).
 * INT4/INT1 are the same delegate class with another encoding; they are left out only to bound the
 * suite's run time.
 */
public class HighDimensionVectorsFormatInt8Test extends HighDimensionVectorsFormatTest {
  @Override
  KnnVectorsFormat delegate() {
    return VectorCodec.hnswFormat(
        new IndexConfig(
            IndexConfig.Quantization.INT8,
            IndexConfig.DEFAULT.maxConn(),
            IndexConfig.DEFAULT.beamWidth()));
  }
}
