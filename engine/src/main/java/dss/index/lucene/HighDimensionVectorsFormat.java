package dss.index.lucene;

import java.io.IOException;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.KnnVectorsReader;
import org.apache.lucene.codecs.KnnVectorsWriter;
import org.apache.lucene.index.SegmentReadState;
import org.apache.lucene.index.SegmentWriteState;

/**
 * A built-in HNSW format with the dimension cap raised from 1024 to {@value #MAX_DIMENSIONS} (the
 * DreamSim ensemble has 1792). It takes the delegate's name, so segments record the built-in format
 * and any reader (including the default codec through SPI) opens them; no SPI registration is
 * needed.
 */
public final class HighDimensionVectorsFormat extends KnnVectorsFormat {
  public static final int MAX_DIMENSIONS = 4096;

  private final KnnVectorsFormat delegate;

  public HighDimensionVectorsFormat(KnnVectorsFormat delegate) {
    super(delegate.getName());
    this.delegate = delegate;
  }

  @Override
  public KnnVectorsWriter fieldsWriter(SegmentWriteState state) throws IOException {
    return delegate.fieldsWriter(state);
  }

  @Override
  public KnnVectorsReader fieldsReader(SegmentReadState state) throws IOException {
    return delegate.fieldsReader(state);
  }

  @Override
  public int getMaxDimensions(String fieldName) {
    return MAX_DIMENSIONS;
  }

  @Override
  public String toString() {
    return "HighDimension(" + delegate + ")";
  }
}
