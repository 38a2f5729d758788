package dss.cli;

import dss.image.ImagePipeline;
import dss.ingest.IngestPipeline;
import dss.model.Embedder;
import dss.model.ExportVerification;
import dss.model.ModelException;
import dss.model.Models;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Getting, checking and listing model files. */
@Command(
    name = "model",
    header = "Export DreamSim models to ONNX, verify them, and list them.",
    description = "Export DreamSim models to ONNX, verify them against PyTorch, list them.",
    subcommands = {
      ModelCommand.Export.class,
      ModelCommand.Verify.class,
      ModelCommand.ListModels.class,
      ModelQuantizeCommand.class
    })
final class ModelCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "a subcommand is required: export, verify or list");
  }

  /** Runs models/export_dreamsim.py in a private virtual environment (models/.venv). */
  @Command(
      name = "export",
      header = "Export a DreamSim variant to ONNX (needs Python and internet once).",
      sortOptions = false,
      description =
          "Export a DreamSim variant from the official dreamsim 0.2.1 package to "
              + "models/dreamsim-VARIANT.onnx (+ manifest and golden file). Needs python3 with venv and internet access "
              + "(PyPI, GitHub) once; installs models/requirements.txt into models/.venv.")
  static final class Export implements Callable<Integer> {
    @Parameters(
        index = "0",
        arity = "0..1",
        paramLabel = "VARIANT",
        defaultValue = Models.DEFAULT_VARIANT,
        description =
            "ensemble (default), dino_vitb16, dinov2_vitb14, synclr_vitb16, clip_vitb32, "
                + "open_clip_vitb32, or all.")
    String variant;

    @Option(
        names = "--fp16",
        description = "Also write a mixed float16 model (dreamsim-VARIANT-fp16.onnx), for GPUs.")
    boolean fp16;

    @Option(
        names = "--int8",
        description =
            "Also write an int8 model (dreamsim-VARIANT-int8.onnx), for CPUs, when "
                + "its distance error stays within "
                + ModelQuantizeCommand.BOUND
                + ".")
    boolean int8;

    @Option(
        names = "--python",
        paramLabel = "PY",
        defaultValue = ModelExport.DEFAULT_PYTHON,
        description =
            "Python 3.10-3.13 used to create the virtual environment (env DREAMSIM_PYTHON). "
                + "Default: ${DEFAULT-VALUE}.")
    String python;

    @Spec CommandSpec spec;

    record Result(List<String> exported) {}

    @Override
    public Integer call() throws ModelException {
      List<Path> files =
          new ModelExport(
                  ModelOptions.models(),
                  python,
                  spec.commandLine().getErr(),
                  "dreamsim model export: ")
              .export(variant, fp16, int8);
      List<String> exported = files.stream().map(Path::toString).toList();
      spec.commandLine()
          .getErr()
          .println(
              "dreamsim model export: done; check the export end to end with: "
                  + "./dreamsim model verify "
                  + exported.get(0));
      spec.commandLine().getOut().println(JsonOut.line(new Result(exported)));
      return 0;
    }
  }

  /**
   * The end-to-end proof that an exported model is faithful: Java pipeline + runtime against
   * PyTorch's golden.
   */
  @Command(
      name = "verify",
      header = "Prove an exported model faithful against PyTorch's golden files.",
      sortOptions = false,
      description = {
        "Run the Java pipeline on MODEL's golden images with DreamSim's official preprocessing (the "
            + "--exact path) and compare with PyTorch: the preprocessed tensors byte for byte, the embeddings (cosine "
            + "per image; \"runtime_cosine\": the runtime alone on PyTorch's tensors) and the distances of the golden "
            + "pairs. Prints the figures on stderr and as JSON on stdout.",
        "Exit status 1 when a tensor differs by more than "
            + ExportVerification.TENSOR_TOLERANCE
            + "/255, a distance by more "
            + "than "
            + ExportVerification.DISTANCE_BOUND
            + " (float32; int8 and fp16 files: plus the manifest's "
            + "max_distance_error), a cosine is below "
            + ExportVerification.MIN_COSINE
            + ", an image fails or the checksum "
            + "differs."
      })
  static final class Verify implements Callable<Integer> {
    @Parameters(
        index = "0",
        arity = "0..1",
        paramLabel = "MODEL",
        description = "Variant, 'test' or .onnx file (default: --model, else ensemble).")
    String model;

    @Mixin ModelOptions modelOptions;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      if (model != null) modelOptions.model = model;
      Path file = modelOptions.modelFile();
      // --batch decides how the files are batched through the pipeline (verify at 1, 3, 8...)
      ImagePipeline exact = ImagePipeline.exact(ImagePipeline.DEFAULT_MAX_PIXELS);
      try (Embedder embedder = modelOptions.open();
          IngestPipeline ingest = new IngestPipeline(exact, embedder)) {
        ExportVerification.Verdict v =
            ExportVerification.verify(
                file,
                embedder,
                new ExportVerification.Images() {
                  @Override
                  public float[] tensor(Path image) throws Exception {
                    return exact.prepare(image).tensor();
                  }

                  @Override
                  public float[][] embed(List<Path> files, String[] errors) throws Exception {
                    float[][] vectors = new float[files.size()][];
                    ingest.embedFiles(
                        files,
                        (i, f, vector, error) -> {
                          vectors[i] = vector;
                          if (error != null) errors[i] = f + ": " + error;
                        });
                    return vectors;
                  }
                });
        report(v);
        spec.commandLine().getOut().println(JsonOut.line(v));
        return v.ok() ? 0 : 1;
      }
    }

    /** The figures, for people (stdout carries the same as JSON). */
    private void report(ExportVerification.Verdict v) {
      PrintWriter err = spec.commandLine().getErr();
      ExportVerification.Tensors t = v.tensors();
      ExportVerification.Distances d = v.distances();
      err.printf(
          java.util.Locale.ROOT,
          "dreamsim model verify: tensors (exact preprocessing vs PyTorch): %d/%d "
              + "images identical, %d bytes differ, max difference %d/255 (tolerance %d/255)%n",
          t.identical(),
          t.images(),
          t.differingBytes(),
          t.maxDifference(),
          t.tolerance());
      if (d.maxDifference() != null) {
        err.printf(
            java.util.Locale.ROOT,
            "dreamsim model verify: distances over %d golden pairs: max |Java - "
                + "PyTorch| %.2e (%s), mean %.2e, bound %.2e%n",
            d.pairs(),
            d.maxDifference(),
            d.worstPair(),
            d.meanDifference(),
            d.bound());
      }
      for (String failure : v.failures()) err.println("dreamsim model verify: FAILED: " + failure);
      if (v.ok()) err.println("dreamsim model verify: ok");
      err.flush();
    }
  }

  /** Which variants are installed. */
  @Command(
      name = "list",
      header = "List the DreamSim variants and which are installed.",
      description = "List the DreamSim variants and whether each is exported under models/.")
  static final class ListModels implements Runnable {
    @Spec CommandSpec spec;

    record Entry(
        String variant, int dimensions, boolean isDefault, List<String> files, String get) {}

    @Override
    public void run() {
      spec.commandLine().getOut().println(JsonOut.line(entries(ModelOptions.models())));
    }

    /** Every variant with its installed files: float32, int8 and float16, those present. */
    static List<Entry> entries(Models models) {
      List<Entry> entries = new ArrayList<>();
      Models.VARIANTS.forEach(
          (variant, dims) -> {
            List<String> files =
                models.installedFiles(variant).stream().map(Path::toString).toList();
            entries.add(
                new Entry(
                    variant,
                    dims,
                    variant.equals(Models.DEFAULT_VARIANT),
                    files,
                    files.isEmpty() ? "./dreamsim model export " + variant : null));
          });
      return entries;
    }
  }
}
