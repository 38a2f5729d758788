package dss.index;

import dss.model.ModelInfo;
import java.util.HashMap;
import java.util.Map;

/**
 * What an index records about itself: the model and the preprocessing that made its vectors and how
 * the vectors are stored. A different model's vectors live in a different space, so mixing them
 * would give silent garbage: {@link #requireModel} refuses it.
 *
 * <p>Stored as string key/value pairs ({@link #toMap()}): the Lucene index keeps them in its commit
 * user data, so they change atomically with the documents. The keys are part of the on-disk format:
 * {@code model.name}, {@code model.variant}, {@code model.dimensions}, {@code model.checksum}
 * (SHA-256 of the model file), {@code vectors.quantization} (NONE, INT8, INT4, INT1), {@code
 * vectors.hnsw_m}, {@code vectors.hnsw_beam_width}, {@code vectors.preprocessing} (DEFAULT or
 * EXACT; absent = DEFAULT).
 */
public record IndexMetadata(ModelInfo model, IndexConfig config) {
  private static final String MODEL_NAME = "model.name";
  private static final String MODEL_VARIANT = "model.variant";
  private static final String MODEL_DIMENSIONS = "model.dimensions";
  private static final String MODEL_CHECKSUM = "model.checksum";
  private static final String QUANTIZATION = "vectors.quantization";
  private static final String MAX_CONN = "vectors.hnsw_m";
  private static final String BEAM_WIDTH = "vectors.hnsw_beam_width";
  private static final String PREPROCESSING = "vectors.preprocessing";

  public Map<String, String> toMap() {
    Map<String, String> data = new HashMap<>();
    data.put(MODEL_NAME, model.name());
    data.put(MODEL_VARIANT, String.valueOf(model.variant()));
    data.put(MODEL_DIMENSIONS, Integer.toString(model.dimensions()));
    data.put(MODEL_CHECKSUM, model.checksum());
    data.put(QUANTIZATION, config.quantization().name());
    data.put(MAX_CONN, Integer.toString(config.maxConn()));
    data.put(BEAM_WIDTH, Integer.toString(config.beamWidth()));
    data.put(PREPROCESSING, config.preprocessing().name());
    return data;
  }

  /** Parses {@link #toMap()}'s pairs; {@code location} names the index in errors. */
  public static IndexMetadata fromMap(Map<String, String> data, String location)
      throws IndexException {
    if (!data.containsKey(MODEL_CHECKSUM)) {
      throw new IndexException(
          "index " + location + " was not made by dreamsim (no model recorded in it)");
    }
    try {
      ModelInfo model =
          new ModelInfo(
              data.get(MODEL_NAME),
              data.get(MODEL_VARIANT),
              Integer.parseInt(data.get(MODEL_DIMENSIONS)),
              data.get(MODEL_CHECKSUM));
      // indexes made before the preprocessing was recorded were all made by the default one
      IndexConfig config =
          new IndexConfig(
              IndexConfig.Quantization.valueOf(data.get(QUANTIZATION)),
              Integer.parseInt(data.get(MAX_CONN)),
              Integer.parseInt(data.get(BEAM_WIDTH)),
              IndexConfig.Preprocessing.valueOf(data.getOrDefault(PREPROCESSING, "DEFAULT")));
      return new IndexMetadata(model, config);
    } catch (RuntimeException e) {
      throw new IndexException(
          "index " + location + " has unreadable metadata " + data + ": " + e.getMessage(), e);
    }
  }

  /** Throws a clear error when {@code other} is not the model that made this index's vectors. */
  public void requireModel(ModelInfo other, String location) throws IndexException {
    if (!model.checksum().equals(other.checksum()) || model.dimensions() != other.dimensions()) {
      throw new IndexException.OtherModel(
          "index "
              + location
              + " was built with model "
              + describe(model)
              + " but the model given is "
              + describe(other)
              + "; use the same model or another index");
    }
  }

  /**
   * Throws a clear error naming both when {@code requested} is not the preprocessing that built
   * this index: its vectors and the new ones would not be comparable.
   */
  public void requirePreprocessing(IndexConfig.Preprocessing requested, String location)
      throws IndexException {
    IndexConfig.Preprocessing built = config.preprocessing();
    if (built != requested) {
      throw new IndexException.OtherPreprocessing(
          built,
          "index "
              + location
              + " was built with "
              + built.description()
              + " but "
              + requested.description()
              + " was asked for; one index holds one kind"
              + " of vectors: ask for "
              + built.description()
              + " or use another index");
    }
  }

  private static String describe(ModelInfo m) {
    return m.name() + " (" + m.dimensions() + " dims, checksum " + m.checksum() + ")";
  }
}
