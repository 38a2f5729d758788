package dss.cli;

import dss.image.ImagePipeline;
import dss.ingest.IngestPipeline;
import dss.model.Checksums;
import dss.model.Embedder;
import dss.model.Golden;
import dss.model.ModelException;
import dss.model.ModelManifest;
import dss.model.Models;
import dss.model.Vectors;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Getting, checking and listing model files. */
@Command(name = "model", header = "Export DreamSim models to ONNX, verify them, and list them.", description = "Export DreamSim models to ONNX, verify them against PyTorch, list them.",
    subcommands = {ModelCommand.Export.class, ModelCommand.Verify.class, ModelCommand.ListModels.class})
final class ModelCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required: export, verify or list");
  }

  /** Runs models/export_dreamsim.py in a private virtual environment (models/.venv). */
  @Command(name = "export", header = "Export a DreamSim variant to ONNX (needs Python and internet once).", sortOptions = false,
      description = "Export a DreamSim variant from the official dreamsim 0.2.1 package to "
          + "models/dreamsim-VARIANT.onnx (+ manifest and golden file). Needs python3 with venv and internet access "
          + "(PyPI, GitHub) once; installs models/requirements.txt into models/.venv.")
  static final class Export implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "VARIANT", defaultValue = Models.DEFAULT_VARIANT,
        description = "ensemble (default), dino_vitb16, dinov2_vitb14, synclr_vitb16, clip_vitb32, "
            + "open_clip_vitb32, or all.")
    String variant;

    @Option(names = "--fp16", description = "Also write a float16 model (dreamsim-VARIANT-fp16.onnx), for GPUs.")
    boolean fp16;

    @Option(names = "--python", paramLabel = "PY", defaultValue = ModelExport.DEFAULT_PYTHON,
        description = "Python 3.10-3.13 used to create the virtual environment (env DREAMSIM_PYTHON). "
            + "Default: ${DEFAULT-VALUE}.")
    String python;

    @Spec CommandSpec spec;

    record Result(List<String> exported) {}

    @Override public Integer call() throws ModelException {
      List<Path> files = new ModelExport(ModelOptions.models(), python, spec.commandLine().getErr(),
          "dreamsim model export: ").export(variant, fp16);
      List<String> exported = files.stream().map(Path::toString).toList();
      spec.commandLine().getErr().println("dreamsim model export: done; check the export end to end with: "
          + "./dreamsim model verify " + exported.get(0));
      spec.commandLine().getOut().println(JsonOut.line(new Result(exported)));
      return 0;
    }
  }

  /** The end-to-end proof that an exported model is faithful: Java pipeline + runtime against PyTorch's golden. */
  @Command(name = "verify", header = "Prove an exported model faithful against PyTorch's golden embeddings.", sortOptions = false,
      description = "Run the Java pipeline and runtime on MODEL's golden images and compare with the PyTorch "
          + "embeddings: prints the cosine per image (\"cosine\": whole Java pipeline; \"runtime_cosine\": runtime "
          + "alone on PyTorch's exact tensors) and the minimum. Exit status 1 when min < " + Verify.MIN_COSINE
          + ", an image fails or the checksum differs.")
  static final class Verify implements Callable<Integer> {
    static final double MIN_COSINE = 0.99;

    @Parameters(index = "0", arity = "0..1", paramLabel = "MODEL",
        description = "Variant, 'test' or .onnx file (default: --model, else ensemble).")
    String model;

    @Mixin ModelOptions modelOptions;

    @Spec CommandSpec spec;

    record ImageResult(String name, Double cosine, Double runtimeCosine, String error) {}

    /** {@code min} is the lowest pipeline cosine, null when an image could not be decoded. */
    record Result(String model, String name, String device, String checksum, List<ImageResult> images, Double min,
                  boolean ok) {}

    @Override public Integer call() throws Exception {
      if (model != null) modelOptions.model = model;
      Path file = modelOptions.modelFile();
      ModelManifest manifest = ModelManifest.read(file);
      Path goldenFile = ModelManifest.goldenFor(file, manifest);
      if (!Files.isRegularFile(goldenFile)) {
        throw new ModelException(file + ": no golden file (" + goldenFile + " is missing); "
            + "./dreamsim model export writes one next to each model");
      }
      Golden golden = Golden.read(goldenFile);
      String checksum = manifest == null || manifest.sha256() == null ? "unknown"
          : manifest.sha256().equals(Checksums.sha256(file)) ? "ok" : "mismatch";
      // The golden's exact tensors through the runtime alone, then the files through the whole ingest pipeline;
      // --batch decides how they are batched (verify at 1, 3, 8...).
      List<float[]> exact = new ArrayList<>();
      for (Golden.Image image : golden.images()) exact.add(image.readTensor());
      List<Path> files = golden.images().stream().map(Golden.Image::file).toList();
      float[][] whole = new float[files.size()][];
      String[] errors = new String[files.size()];
      try (Embedder embedder = modelOptions.open();
           IngestPipeline ingest = new IngestPipeline(new ImagePipeline(), embedder)) {
        float[][] runtime = embedder.embed(exact);
        ingest.embedFiles(files, (i, f, vector, error) -> {
          whole[i] = vector;
          errors[i] = error == null ? null : f + ": " + error;
        });
        List<ImageResult> images = new ArrayList<>();
        Double min = java.util.Arrays.stream(errors).anyMatch(e -> e != null) ? null : Double.POSITIVE_INFINITY;
        for (int i = 0; i < golden.images().size(); i++) {
          Golden.Image image = golden.images().get(i);
          double runtimeCosine = Vectors.cosine(runtime[i], image.embedding());
          if (errors[i] != null) {
            images.add(new ImageResult(image.name(), null, runtimeCosine, errors[i]));
            continue;
          }
          double cosine = Vectors.cosine(whole[i], image.embedding());
          images.add(new ImageResult(image.name(), cosine, runtimeCosine, null));
          if (min != null) min = Math.min(min, cosine);
        }
        boolean ok = min != null && min >= MIN_COSINE && !checksum.equals("mismatch");
        spec.commandLine().getOut().println(JsonOut.line(new Result(file.toString(), embedder.info().name(),
            embedder.device(), checksum, images, min, ok)));
        return ok ? 0 : 1;
      }
    }
  }

  /** Which variants are installed. */
  @Command(name = "list", header = "List the DreamSim variants and which are installed.", description = "List the DreamSim variants and whether each is exported under models/.")
  static final class ListModels implements Runnable {
    @Spec CommandSpec spec;

    record Entry(String variant, int dimensions, boolean isDefault, List<String> files, String get) {}

    @Override public void run() {
      List<Entry> entries = new ArrayList<>();
      Models models = ModelOptions.models();
      Models.VARIANTS.forEach((variant, dims) -> {
        List<String> files = new ArrayList<>();
        for (boolean half : new boolean[] {false, true}) {
          if (Files.isRegularFile(models.fileFor(variant, half))) files.add(models.fileFor(variant, half).toString());
        }
        entries.add(new Entry(variant, dims, variant.equals(Models.DEFAULT_VARIANT), files,
            files.isEmpty() ? "./dreamsim model export " + variant : null));
      });
      spec.commandLine().getOut().println(JsonOut.line(entries));
    }
  }
}
