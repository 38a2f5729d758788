package dss.index;

/** How vectors are stored: HNSW graph parameters and optional scalar quantization (rescored at full precision). */
public record IndexConfig(Quantization quantization, int maxConn, int beamWidth) {
  public static final IndexConfig DEFAULT = new IndexConfig(Quantization.NONE, 16, 100);

  public enum Quantization { NONE, INT8, INT4, INT1 }
}
