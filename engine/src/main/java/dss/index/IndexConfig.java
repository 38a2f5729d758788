package dss.index;

/**
 * How an index makes and stores its vectors: the image preprocessing that fed the model, HNSW graph
 * parameters and optional scalar quantization (rescored at full precision). Fixed when the index is
 * created.
 */
public record IndexConfig(
    Quantization quantization, int maxConn, int beamWidth, Preprocessing preprocessing) {
  public static final IndexConfig DEFAULT = new IndexConfig(Quantization.NONE, 16, 100);

  public IndexConfig(Quantization quantization, int maxConn, int beamWidth) {
    this(quantization, maxConn, beamWidth, Preprocessing.DEFAULT);
  }

  public IndexConfig {
    if (preprocessing == null) preprocessing = Preprocessing.DEFAULT;
  }

  /** The same storage with another preprocessing. */
  public IndexConfig with(Preprocessing preprocessing) {
    return new IndexConfig(quantization, maxConn, beamWidth, preprocessing);
  }

  public enum Quantization {
    NONE,
    INT8,
    INT4,
    INT1
  }

  /**
   * Which image preprocessing built the vectors. Both feed the same model, but their vectors differ
   * slightly (and a photo with an EXIF rotation very much), so one index holds one kind only.
   */
  public enum Preprocessing {
    /**
     * Reduced-size JPEG decoding where large enough, EXIF orientation applied: fast, photos
     * upright.
     */
    DEFAULT("the default preprocessing (fast JPEG decoding, EXIF rotation applied)"),
    /**
     * DreamSim's official preprocessing: full-size decoding, no EXIF rotation ({@code --exact}).
     */
    EXACT("the exact preprocessing (full-size JPEG decoding, no EXIF rotation)");

    private final String description;

    Preprocessing(String description) {
      this.description = description;
    }

    /** For messages: what this preprocessing does. */
    public String description() {
      return description;
    }

    public static Preprocessing of(boolean exact) {
      return exact ? EXACT : DEFAULT;
    }
  }
}
