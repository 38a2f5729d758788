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
    subcommands = {ModelCommand.Export.class, ModelCommand.Verify.class, ModelCommand.ListModels.class, ModelQuantizeCommand.class})
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

    @Option(names = "--fp16", description = "Also write a mixed float16 model (dreamsim-VARIANT-fp16.onnx), for GPUs.")
    boolean fp16;

    @Option(names = "--int8", description = "Also write an int8 model (dreamsim-VARIANT-int8.onnx), for CPUs, when "
        + "its distance error stays within " + ModelQuantizeCommand.BOUND + ".")
    boolean int8;

    @Option(names = "--python", paramLabel = "PY", defaultValue = "python3",
        description = "Python 3 used to create the virtual environment. Default: ${DEFAULT-VALUE}.")
    String python;

    @Spec CommandSpec spec;

    record Result(List<String> exported) {}

    @Override public Integer call() throws ModelException {
      if (!variant.equals("all") && !Models.VARIANTS.containsKey(variant)) {
        throw new IllegalArgumentException("unknown variant '" + variant + "': one of " + Models.VARIANTS.keySet()
            + " or all");
      }
      Path models = ModelOptions.models().dir();
      Path venvPython = models.resolve(".venv/bin/python");
      requireSupportedPython(python);
      if (!Files.isExecutable(venvPython)) {
        log("creating the virtual environment " + models.resolve(".venv"));
        run(List.of(python, "-m", "venv", models.resolve(".venv").toString()),
            "could not create models/.venv (on Debian/Ubuntu: apt-get install python3-venv)");
      }
      log("installing models/requirements.txt (torch, dreamsim 0.2.1, ...; several GB the first time)");
      run(List.of(venvPython.toString(), "-m", "pip", "install", "--disable-pip-version-check", "-r",
          models.resolve("requirements.txt").toString()),
          "pip could not install models/requirements.txt (see above); the export needs internet access to PyPI");
      if (fp16 && cudaPresent()) { // the GPU build of onnxruntime, so the fp16 file is measured on CUDA at export
        log("CUDA is present: installing models/requirements-gpu.txt (onnxruntime-gpu)");
        run(List.of(venvPython.toString(), "-m", "pip", "uninstall", "-y", "onnxruntime"), "pip uninstall failed");
        // both packages own the onnxruntime/ folder: reinstall so the uninstall above cannot leave it half-empty
        run(List.of(venvPython.toString(), "-m", "pip", "install", "--disable-pip-version-check",
            "--force-reinstall", "--no-deps", "-r", models.resolve("requirements-gpu.txt").toString()),
            "pip could not install onnxruntime-gpu");
      }
      List<String> command = new ArrayList<>(List.of(venvPython.toString(), "-u",
          models.resolve("export_dreamsim.py").toString(), variant, "--out", models.toString()));
      if (fp16) command.add("--fp16");
      if (int8) command.add("--int8");
      log("exporting " + variant + " (downloads the weights from GitHub the first time)");
      run(command, "the export failed (see above)");
      List<String> exported = new ArrayList<>();
      for (String v : variant.equals("all") ? Models.VARIANTS.keySet() : List.of(variant)) {
        for (String suffix : List.of("", "-int8", "-fp16")) { // the variants the export wrote (and did not refuse)
          Path file = models.resolve("dreamsim-" + v + suffix + ".onnx");
          if (Files.isRegularFile(file)) exported.add(file.toString());
        }
      }
      log("done; check the export end to end with: ./dreamsim model verify " + exported.get(0));
      spec.commandLine().getOut().println(JsonOut.line(new Result(exported)));
      return 0;
    }

    /** An NVIDIA driver answers: the GPU build of onnxruntime can be used. */
    private static boolean cudaPresent() {
      try {
        Process p = new ProcessBuilder("nvidia-smi", "-L").redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor() == 0;
      } catch (IOException e) {
        return false;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }

    /** The pinned wheels (torch 2.5.1, numpy 2.1, scipy 1.14) exist for these Python versions only. */
    static final int MIN_MINOR = 10, MAX_MINOR = 13;

    /** Null when {@code version} ("3.11") can run the export, else why not. */
    static String pythonProblem(String version) {
      String[] parts = version.strip().split("\\.");
      int major, minor;
      try {
        major = Integer.parseInt(parts[0]);
        minor = parts.length > 1 ? Integer.parseInt(parts[1]) : -1;
      } catch (NumberFormatException e) {
        return "could not read the Python version from '" + version.strip() + "'";
      }
      if (major == 3 && minor >= MIN_MINOR && minor <= MAX_MINOR) return null;
      return "found Python " + version.strip() + "; the export needs Python 3." + MIN_MINOR + " to 3." + MAX_MINOR
          + " (its pinned torch, numpy and scipy wheels exist only there): pass one with --python";
    }

    private void requireSupportedPython(String python) throws ModelException {
      String version;
      try {
        Process p = new ProcessBuilder(python, "-c", "import sys; print('%d.%d' % sys.version_info[:2])")
            .redirectErrorStream(true).start();
        version = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) throw new IOException(version.strip());
      } catch (IOException e) {
        throw new ModelException("python3 was not found ('" + python + "'); the export needs Python 3." + MIN_MINOR
            + "-3." + MAX_MINOR + " with venv (e.g. apt-get install python3 python3-venv)", e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ModelException("interrupted", e);
      }
      String problem = pythonProblem(version);
      if (problem != null) throw new ModelException(problem);
    }

    private void log(String message) {
      spec.commandLine().getErr().println("dreamsim model export: " + message);
      spec.commandLine().getErr().flush();
    }

    /** Runs a child process, streaming its output to stderr (stdout is for our JSON). */
    private void run(List<String> command, String failure) throws ModelException {
      Process process;
      try {
        process = new ProcessBuilder(command).redirectErrorStream(true).start();
      } catch (IOException e) {
        throw new ModelException(failure + " [" + e.getMessage() + "]", e);
      }
      PrintWriter err = spec.commandLine().getErr();
      try (BufferedReader lines = new BufferedReader(
          new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = lines.readLine()) != null; ) {
          err.println(line);
          err.flush();
        }
        if (process.waitFor() != 0) throw new ModelException(failure);
      } catch (IOException e) {
        throw new ModelException(failure + " [" + e.getMessage() + "]", e);
      } catch (InterruptedException e) {
        process.destroy();
        Thread.currentThread().interrupt();
        throw new ModelException("interrupted", e);
      }
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
