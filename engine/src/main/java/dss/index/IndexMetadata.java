package dss.index;

import dss.model.ModelInfo;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.store.Directory;

/**
 * What an index records in its commit user data: the model that made its vectors and how the vectors are stored.
 * A different model's vectors live in a different space, so mixing them would give silent garbage.
 */
public record IndexMetadata(ModelInfo model, IndexConfig config) {
  private static final String MODEL_NAME = "model.name";
  private static final String MODEL_VARIANT = "model.variant";
  private static final String MODEL_DIMENSIONS = "model.dimensions";
  private static final String MODEL_CHECKSUM = "model.checksum";
  private static final String QUANTIZATION = "vectors.quantization";
  private static final String MAX_CONN = "vectors.hnsw_m";
  private static final String BEAM_WIDTH = "vectors.hnsw_beam_width";

  Map<String, String> toUserData() {
    Map<String, String> data = new HashMap<>();
    data.put(MODEL_NAME, model.name());
    data.put(MODEL_VARIANT, String.valueOf(model.variant()));
    data.put(MODEL_DIMENSIONS, Integer.toString(model.dimensions()));
    data.put(MODEL_CHECKSUM, model.checksum());
    data.put(QUANTIZATION, config.quantization().name());
    data.put(MAX_CONN, Integer.toString(config.maxConn()));
    data.put(BEAM_WIDTH, Integer.toString(config.beamWidth()));
    return data;
  }

  /** The metadata of the latest commit in {@code directory}, or null when there is no index there yet. */
  static IndexMetadata read(Directory directory, Path dir) throws IOException {
    if (!DirectoryReader.indexExists(directory)) return null;
    Map<String, String> data = SegmentInfos.readLatestCommit(directory).getUserData();
    if (!data.containsKey(MODEL_CHECKSUM)) {
      throw new IndexException("index " + dir + " was not made by dreamsim (no model recorded in its commit data)");
    }
    try {
      ModelInfo model = new ModelInfo(data.get(MODEL_NAME), data.get(MODEL_VARIANT),
          Integer.parseInt(data.get(MODEL_DIMENSIONS)), data.get(MODEL_CHECKSUM));
      IndexConfig config = new IndexConfig(IndexConfig.Quantization.valueOf(data.get(QUANTIZATION)),
          Integer.parseInt(data.get(MAX_CONN)), Integer.parseInt(data.get(BEAM_WIDTH)));
      return new IndexMetadata(model, config);
    } catch (RuntimeException e) {
      throw new IndexException("index " + dir + " has unreadable metadata " + data + ": " + e.getMessage(), e);
    }
  }

  /** Throws a clear error when {@code other} is not the model that made this index's vectors. */
  void requireModel(ModelInfo other, Path dir) throws IndexException {
    if (!model.checksum().equals(other.checksum()) || model.dimensions() != other.dimensions()) {
      throw new IndexException("index " + dir + " was built with model " + describe(model) + " but the model given is "
          + describe(other) + "; use the same model (--model) or another index directory (--index)");
    }
  }

  private static String describe(ModelInfo m) {
    return m.name() + " (" + m.dimensions() + " dims, checksum " + m.checksum() + ")";
  }
}
