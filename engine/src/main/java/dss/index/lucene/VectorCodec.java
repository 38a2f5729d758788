package dss.index.lucene;

import dss.index.IndexConfig;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene104.Lucene104Codec;
import org.apache.lucene.codecs.lucene104.Lucene104HnswScalarQuantizedVectorsFormat;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.util.quantization.QuantizedByteVectorValues.ScalarEncoding;

/**
 * The default codec with our vectors format on every vector field: float32 HNSW or scalar-quantized
 * HNSW (the quantized formats keep the float32 vectors too, for rescoring and read-back). Only the
 * writer needs this codec: segments are named "Lucene104" and the delegate vectors format, so the
 * default codec reads them.
 */
final class VectorCodec extends Lucene104Codec {
  private final KnnVectorsFormat vectors;

  VectorCodec(IndexConfig config) {
    this.vectors = new HighDimensionVectorsFormat(hnswFormat(config));
  }

  static KnnVectorsFormat hnswFormat(IndexConfig config) {
    int m = config.maxConn();
    int beam = config.beamWidth();
    return switch (config.quantization()) {
      case NONE -> new Lucene99HnswVectorsFormat(m, beam);
      case INT8 ->
          new Lucene104HnswScalarQuantizedVectorsFormat(ScalarEncoding.UNSIGNED_BYTE, m, beam);
      case INT4 ->
          new Lucene104HnswScalarQuantizedVectorsFormat(ScalarEncoding.PACKED_NIBBLE, m, beam);
      case INT1 ->
          new Lucene104HnswScalarQuantizedVectorsFormat(
              ScalarEncoding.SINGLE_BIT_QUERY_NIBBLE, m, beam);
    };
  }

  @Override
  public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
    return vectors;
  }
}
