package dss.cli;

import dss.model.Embedder;
import dss.model.LazyEmbedder;
import dss.model.ModelException;
import dss.model.Models;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --model --device --threads --batch}: how every command that embeds images opens the model. */
public final class ModelOptions {
  @Option(names = "--model", paramLabel = "M",
      description = "Model: a variant (ensemble, dino_vitb16, dinov2_vitb14, synclr_vitb16, clip_vitb32, "
          + "open_clip_vitb32; default ${DEFAULT-VALUE}), 'test' (the small test model) or a .onnx file.",
      defaultValue = Models.DEFAULT_VARIANT)
  public String model;

  @Option(names = "--device", paramLabel = "D", defaultValue = "auto",
      description = "auto (CUDA when usable, else CPU), cpu, cuda or cuda:N. Default: ${DEFAULT-VALUE}.")
  public String device;

  @Option(names = "--threads", paramLabel = "N", defaultValue = "0",
      description = "ONNX Runtime intra-op threads; 0 = one per core. Default: ${DEFAULT-VALUE}.")
  public int threads;

  @Option(names = "--batch", paramLabel = "N", defaultValue = "8",
      description = "Images per inference call (use 32-64 on a GPU). Default: ${DEFAULT-VALUE}.")
  public int batch;

  /** The model file; the error names the command that gets a missing variant. */
  public Path modelFile() throws ModelException {
    return models().resolve(model);
  }

  /** The installation's model folder. */
  public static Models models() {
    return new Models(Workspace.models());
  }

  /** The model, opened only when something needs embedding (the device is chosen then). */
  public LazyEmbedder lazy() throws ModelException {
    if (threads < 0) throw new IllegalArgumentException("--threads must be 0 (automatic) or more, not " + threads);
    return new LazyEmbedder(modelFile(), device, threads, batch);
  }

  public Embedder open() throws ModelException {
    return Embedder.open(modelFile(), device, threads, batch);
  }
}
