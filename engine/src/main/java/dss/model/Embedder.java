package dss.model;

import java.nio.file.Path;
import java.util.List;

/**
 * One ONNX Runtime session for a DreamSim-contract model: input [N,3,224,224] in [0,1], output [N,D].
 * Thread-safe: one instance is shared by all threads. Outputs are L2-normalised, so distance = 1 - dot.
 * (Contract stub: implemented by the foundation issue.)
 */
public final class Embedder implements AutoCloseable {
  /** @param device "auto", "cpu", "cuda" or "cuda:N"; auto falls back to CPU with one log line naming the reason. */
  public static Embedder open(Path model, String device, int threads, int batchSize) throws ModelException {
    throw new UnsupportedOperationException("not built yet");
  }

  public ModelInfo info() {
    throw new UnsupportedOperationException("not built yet");
  }

  /** "cpu" or "cuda:N": where the session actually runs. */
  public String device() {
    throw new UnsupportedOperationException("not built yet");
  }

  public int batchSize() {
    throw new UnsupportedOperationException("not built yet");
  }

  /** Embeds CHW tensors (3*224*224 floats each), splitting into batches of {@link #batchSize()}; unit vectors out. */
  public float[][] embed(List<float[]> tensors) throws ModelException {
    throw new UnsupportedOperationException("not built yet");
  }

  @Override public void close() {}
}
