package dss.cli;

import dss.image.ImagePipeline;
import dss.index.IndexConfig;
import dss.model.Embedder;
import dss.model.LazyEmbedder;
import dss.model.ModelException;
import dss.model.ModelInfo;
import dss.model.ModelManifest;
import dss.model.ModelSource;
import dss.model.Models;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --model --device --threads --batch --exact --offline --python --float32}: how every
 * command that embeds images opens the model and preprocesses images; the {@link ModelSource} of
 * the engine's {@link dss.search.Library}. A variant that is not installed is exported on first use
 * (the same code path as {@code dreamsim model export}) unless {@code --offline} forbids it.
 */
public final class ModelOptions implements ModelSource {
  @Option(
      names = "--model",
      paramLabel = "M",
      description =
          "Model: a variant (ensemble, dino_vitb16, dinov2_vitb14, synclr_vitb16, clip_vitb32, "
              + "open_clip_vitb32), 'test' (the small test model) or a .onnx file. Default: the model an existing index "
              + "was built with, else "
              + Models.DEFAULT_VARIANT
              + ".")
  public String model;

  @Option(
      names = "--device",
      paramLabel = "D",
      defaultValue = "auto",
      description =
          "auto (CUDA when usable, else CPU), cpu, cuda or cuda:N. Default: ${DEFAULT-VALUE}.")
  public String device;

  @Option(
      names = "--threads",
      paramLabel = "N",
      defaultValue = "0",
      description = "ONNX Runtime intra-op threads; 0 = one per core. Default: ${DEFAULT-VALUE}.")
  public int threads;

  @Option(
      names = "--batch",
      paramLabel = "N",
      defaultValue = "8",
      description = "Images per inference call (use 32-64 on a GPU). Default: ${DEFAULT-VALUE}.")
  public int batch;

  @Option(
      names = "--exact",
      description =
          "DreamSim's official preprocessing: full-size JPEG decoding and no EXIF "
              + "rotation (slower; for reproducing published numbers). An index keeps the preprocessing it was built with. "
              + "Env: DREAMSIM_EXACT.")
  public boolean exact;

  @Option(
      names = "--offline",
      description =
          "Never download: a missing model is an error naming the command that "
              + "gets it, instead of an automatic export. Env: DREAMSIM_OFFLINE.")
  public boolean offline;

  @Option(
      names = "--python",
      paramLabel = "PY",
      description =
          "Python 3.10-3.13 for an automatic model export "
              + "(default: python3). Env: DREAMSIM_PYTHON.")
  public String python;

  @Option(
      names = "--float32",
      description =
          "Use the variant's float32 file even where a faster copy passed the "
              + "export's distance gate: its int8 file on a CPU (model export --int8), its float16 file on a GPU "
              + "(model export --fp16, measured on CUDA).")
  public boolean float32;

  /** The model an existing index recorded: of a variant's files, the one that built it is used. */
  private ModelInfo recorded;

  /**
   * The model file; a variant that is not installed is exported first (or, offline, an error names
   * the command). Of a variant's installed files: the one an index was built with ({@link
   * #bindTo}), else (unless {@code --float32}) the faster copy that passed the export's distance
   * gate, int8 on a CPU and float16 (measured on CUDA) on a GPU, else the float32 file, else
   * float16.
   */
  public Path modelFile() throws ModelException {
    Models models = models();
    String variant = variant();
    String missing = models.missingVariant(variant);
    if (missing != null) fetch(models, missing);
    Path file = models.resolve(variant);
    if (!Models.VARIANTS.containsKey(variant)) return file;
    if (recorded != null) {
      for (Path installed : models.installedFiles(variant)) {
        if (Embedder.checksum(installed).equals(recorded.checksum())) return installed;
      }
    }
    Path faster =
        float32 ? null : onCpu() ? models.passedInt8(variant) : models.passedFp16(variant);
    return faster != null ? faster : file;
  }

  /** The model asked for: {@code --model}, else the default variant. */
  public String variant() {
    return model == null || model.isBlank() ? Models.DEFAULT_VARIANT : model.strip();
  }

  /**
   * Without {@code --model}, the variant the index recorded (when it is one this installation
   * knows); of the variant's installed files, the one with the recorded checksum; a variant not
   * installed yet is bound to the recording, so that an unchanged re-run needs no model and a
   * fetched one is checked against it.
   */
  @Override
  public LazyEmbedder forIndex(ModelInfo recorded) throws ModelException {
    boolean chosen = model != null;
    boolean known =
        recorded != null
            && (Models.VARIANTS.containsKey(recorded.variant())
                || recorded.variant().equals("test"));
    if (!chosen && known) model = recorded.variant();
    this.recorded = recorded;
    LazyEmbedder lazy = lazy();
    // checked when the model opens: the recorded variant not installed yet, or a model file nobody
    // named here
    if (recorded != null
        && (!lazy.installed() && recorded.variant().equals(variant()) || !chosen && !known)) {
      lazy.requireBinding(recorded);
    }
    return lazy;
  }

  /** {@code --device cpu}, or {@code auto} on a machine without an NVIDIA driver. */
  private boolean onCpu() {
    String d = device == null ? "auto" : device.strip().toLowerCase(java.util.Locale.ROOT);
    return d.equals("cpu") || d.equals("auto") && !Embedder.cudaLikely();
  }

  /**
   * The images a model's variants are compared on ({@code model quantize}, {@code bench model}):
   * the model's golden file, else the test model's (its images are the sample images every
   * installation has).
   */
  public static Path referenceImages(Path model) throws ModelException {
    Path golden = ModelManifest.goldenFor(model, ModelManifest.read(model));
    if (Files.isRegularFile(golden)) return golden;
    Path sample = models().testModel().resolveSibling("test-model.golden.json");
    if (!Files.isRegularFile(sample)) {
      throw new ModelException(
          model + ": no golden file (" + golden + ") and no sample images (" + sample + ")");
    }
    return sample;
  }

  /** The installation's model folder. */
  public static Models models() {
    return new Models(Workspace.models());
  }

  /**
   * The model, opened only when something needs embedding (the device is chosen then); a variant
   * that is not installed is exported only then, too.
   */
  public LazyEmbedder lazy() throws ModelException {
    if (threads < 0)
      throw new UsageError("--threads must be 0 (automatic) or more, not " + threads);
    if (batch < 1) throw new UsageError("--batch must be at least 1, not " + batch);
    Models models = models();
    String missing = models.missingVariant(variant());
    if (missing == null) return new LazyEmbedder(modelFile(), device, threads, batch);
    return new LazyEmbedder(
        models.fileFor(missing, false), device, threads, batch, () -> fetch(models, missing));
  }

  public Embedder open() throws ModelException {
    return Embedder.open(modelFile(), device, threads, batch);
  }

  /** The preprocessing {@code --exact} asks for. */
  public IndexConfig.Preprocessing preprocessing() {
    return IndexConfig.Preprocessing.of(exact);
  }

  /**
   * The image pipeline {@code --exact} asks for (for commands without an index: embed, distance).
   */
  public ImagePipeline pipeline() {
    return dss.search.Library.pipeline(new ImagePipeline(), preprocessing());
  }

  /** First use: says what will be downloaded, then runs the export with its progress on stderr. */
  private void fetch(Models models, String variant) throws ModelException {
    String missing =
        "model '"
            + variant
            + "' is not installed (models/"
            + models.fileFor(variant, false).getFileName()
            + " is missing)";
    String command = "./dreamsim model export " + variant;
    if (offline) {
      throw new ModelException(
          missing
              + " and --offline (or DREAMSIM_OFFLINE) forbids downloading it; get it "
              + "with: "
              + command);
    }
    PrintWriter err = new PrintWriter(System.err, true, System.err.charset());
    ModelExport export = new ModelExport(models, python, err, "dreamsim: ");
    err.println(
        "dreamsim: "
            + missing
            + "; exporting it now, once: downloads "
            + export.downloadSize(variant)
            + " (--offline or DREAMSIM_OFFLINE=1 prevents this)");
    try {
      export.export(variant, false, false);
    } catch (ModelException e) {
      throw new ModelException(
          "could not export model '"
              + variant
              + "' automatically: "
              + e.getMessage()
              + "; once that is fixed, run: "
              + command,
          e);
    }
  }
}
