package dss.cli;

import dss.image.ImagePipeline;
import dss.ingest.IngestPipeline;
import dss.model.Checksums;
import dss.model.Embedder;
import dss.model.Golden;
import dss.model.GoldenComparison;
import dss.model.ModelException;
import dss.model.ModelManifest;
import dss.model.Models;
import dss.model.Vectors;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
    subcommands = {ModelCommand.Export.class, ModelCommand.Verify.class, ModelCommand.ListModels.class,
        ModelQuantizeCommand.class})
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

    @Option(names = "--python", paramLabel = "PY", defaultValue = ModelExport.DEFAULT_PYTHON,
        description = "Python 3.10-3.13 used to create the virtual environment (env DREAMSIM_PYTHON). "
            + "Default: ${DEFAULT-VALUE}.")
    String python;

    @Spec CommandSpec spec;

    record Result(List<String> exported) {}

    @Override public Integer call() throws ModelException {
      List<Path> files = new ModelExport(ModelOptions.models(), python, spec.commandLine().getErr(),
          "dreamsim model export: ").export(variant, fp16, int8);
      List<String> exported = files.stream().map(Path::toString).toList();
      spec.commandLine().getErr().println("dreamsim model export: done; check the export end to end with: "
          + "./dreamsim model verify " + exported.get(0));
      spec.commandLine().getOut().println(JsonOut.line(new Result(exported)));
      return 0;
    }
  }

  /** The end-to-end proof that an exported model is faithful: Java pipeline + runtime against PyTorch's golden. */
  @Command(name = "verify", header = "Prove an exported model faithful against PyTorch's golden files.", sortOptions = false,
      description = {"Run the Java pipeline on MODEL's golden images with DreamSim's official preprocessing (the "
          + "--exact path) and compare with PyTorch: the preprocessed tensors byte for byte, the embeddings (cosine "
          + "per image; \"runtime_cosine\": the runtime alone on PyTorch's tensors) and the distances of the golden "
          + "pairs. Prints the figures on stderr and as JSON on stdout.",
          "Exit status 1 when a tensor differs by more than " + Verify.TENSOR_TOLERANCE + "/255, a distance by more "
          + "than " + Verify.DISTANCE_BOUND + " (float32; int8 and fp16 files: plus the manifest's "
          + "max_distance_error), a cosine is below " + Verify.MIN_COSINE + ", an image fails or the checksum "
          + "differs."})
  static final class Verify implements Callable<Integer> {
    static final double MIN_COSINE = 0.99;
    /** Largest |Java - PyTorch| DreamSim distance for a float32 model: far below any threshold people use. */
    static final double DISTANCE_BOUND = 1e-3;
    /** Largest per-byte tensor difference (levels of 1/255): room for another libjpeg-turbo's IDCT rounding. */
    static final int TENSOR_TOLERANCE = 1;

    @Parameters(index = "0", arity = "0..1", paramLabel = "MODEL",
        description = "Variant, 'test' or .onnx file (default: --model, else ensemble).")
    String model;

    @Mixin ModelOptions modelOptions;

    @Spec CommandSpec spec;

    record ImageResult(String name, Double cosine, Double runtimeCosine, Integer tensorMaxDifference, String error) {}

    record Tensors(int images, int identical, long differingBytes, int maxDifference, int tolerance, boolean ok) {}

    record Distances(int pairs, Double maxDifference, Double meanDifference, String worstPair, double bound,
                     boolean ok) {}

    /** {@code min} is the lowest pipeline cosine, null when an image could not be decoded. */
    record Result(String model, String name, String device, String checksum, List<ImageResult> images, Double min,
                  Tensors tensors, Distances distances, boolean ok) {}

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
      double bound = DISTANCE_BOUND
          + (manifest != null && manifest.maxDistanceError() != null ? manifest.maxDistanceError() : 0);
      // PyTorch's golden tensors come from Pillow's full-size path without EXIF rotation: the exact pipeline
      ImagePipeline exactPipeline = ImagePipeline.exact(ImagePipeline.DEFAULT_MAX_PIXELS);
      List<float[]> exact = new ArrayList<>();
      List<byte[]> goldenBytes = new ArrayList<>();
      List<String> names = new ArrayList<>();
      List<float[]> ours = new ArrayList<>();
      String[] errors = new String[golden.images().size()];
      for (int i = 0; i < golden.images().size(); i++) {
        Golden.Image image = golden.images().get(i);
        exact.add(image.readTensor());
        try {
          float[] tensor = exactPipeline.prepare(image.file()).tensor();
          names.add(image.name());
          goldenBytes.add(Files.readAllBytes(image.tensor()));
          ours.add(tensor);
        } catch (dss.image.ImageException e) {
          errors[i] = e.getMessage();
        }
      }
      GoldenComparison.Tensors t = GoldenComparison.tensors(names, goldenBytes, ours);
      // The golden's tensors through the runtime alone, then the files through the whole ingest pipeline;
      // --batch decides how they are batched (verify at 1, 3, 8...).
      List<Path> files = golden.images().stream().map(Golden.Image::file).toList();
      float[][] whole = new float[files.size()][];
      try (Embedder embedder = modelOptions.open();
           IngestPipeline ingest = new IngestPipeline(exactPipeline, embedder)) {
        float[][] runtime = embedder.embed(exact);
        ingest.embedFiles(files, (i, f, vector, error) -> {
          whole[i] = vector;
          if (error != null) errors[i] = f + ": " + error;
        });
        List<ImageResult> images = new ArrayList<>();
        Map<String, float[]> vectors = new HashMap<>();
        Double min = java.util.Arrays.stream(errors).anyMatch(e -> e != null) ? null : Double.POSITIVE_INFINITY;
        for (int i = 0; i < golden.images().size(); i++) {
          Golden.Image image = golden.images().get(i);
          double runtimeCosine = Vectors.cosine(runtime[i], image.embedding());
          if (errors[i] != null) {
            images.add(new ImageResult(image.name(), null, runtimeCosine, null, errors[i]));
            continue;
          }
          vectors.put(image.name(), whole[i]);
          double cosine = Vectors.cosine(whole[i], image.embedding());
          int index = names.indexOf(image.name());
          images.add(new ImageResult(image.name(), cosine, runtimeCosine,
              maxDifference(goldenBytes.get(index), ours.get(index)), null));
          if (min != null) min = Math.min(min, cosine);
        }
        Tensors tensors = new Tensors(t.images(), t.identical(), t.differingBytes(), t.maxDifference(),
            TENSOR_TOLERANCE, t.maxDifference() <= TENSOR_TOLERANCE);
        Distances distances = distances(golden, vectors, bound, min != null);
        boolean ok = min != null && min >= MIN_COSINE && !checksum.equals("mismatch") && tensors.ok()
            && distances.ok();
        report(t, distances, min, checksum, ok);
        spec.commandLine().getOut().println(JsonOut.line(new Result(file.toString(), embedder.info().name(),
            embedder.device(), checksum, images, min, tensors, distances, ok)));
        return ok ? 0 : 1;
      }
    }

    private static int maxDifference(byte[] golden, float[] ours) {
      return GoldenComparison.tensors(List.of(""), List.of(golden), List.of(ours)).maxDifference();
    }

    /** The golden pairs' distances, when every image could be embedded. */
    private static Distances distances(Golden golden, Map<String, float[]> vectors, double bound, boolean all) {
      if (!all) return new Distances(0, null, null, null, bound, false);
      GoldenComparison.Distances d = GoldenComparison.distances(golden, vectors);
      String worst = d.worst() == null ? null : d.worst().a() + " / " + d.worst().b();
      return new Distances(d.pairs(), d.maxDifference(), d.meanDifference(), worst, bound, d.maxDifference() <= bound);
    }

    /** The figures, for people (stdout carries the same as JSON). */
    private void report(GoldenComparison.Tensors t, Distances d, Double min, String checksum, boolean ok) {
      PrintWriter err = spec.commandLine().getErr();
      err.printf(java.util.Locale.ROOT, "dreamsim model verify: tensors (exact preprocessing vs PyTorch): %d/%d "
          + "images identical, %d bytes differ, max difference %d/255 (tolerance %d/255)%n", t.identical(),
          t.images(), t.differingBytes(), t.maxDifference(), TENSOR_TOLERANCE);
      if (d.maxDifference() != null) {
        err.printf(java.util.Locale.ROOT, "dreamsim model verify: distances over %d golden pairs: max |Java - "
            + "PyTorch| %.2e (%s), mean %.2e, bound %.2e%n", d.pairs(), d.maxDifference(), d.worstPair(),
            d.meanDifference(), d.bound());
      }
      if (!d.ok() && d.maxDifference() != null) {
        err.println("dreamsim model verify: FAILED: the distance of pair " + d.worstPair() + " differs from "
            + "PyTorch's by " + String.format(java.util.Locale.ROOT, "%.2e", d.maxDifference()) + ", above the bound "
            + d.bound());
      }
      if (t.maxDifference() > TENSOR_TOLERANCE) {
        err.println("dreamsim model verify: FAILED: the preprocessed tensor of " + t.worstImage() + " differs from "
            + "PyTorch's by " + t.maxDifference() + "/255");
      }
      if (min == null) err.println("dreamsim model verify: FAILED: some golden image could not be read (see JSON)");
      else if (min < MIN_COSINE) {
        err.println("dreamsim model verify: FAILED: an embedding's cosine with PyTorch's is " + min + " < "
            + MIN_COSINE);
      }
      if (checksum.equals("mismatch")) {
        err.println("dreamsim model verify: FAILED: the model file's checksum differs from its manifest's");
      }
      if (ok) err.println("dreamsim model verify: ok");
      err.flush();
    }
  }

  /** Which variants are installed. */
  @Command(name = "list", header = "List the DreamSim variants and which are installed.", description = "List the DreamSim variants and whether each is exported under models/.")
  static final class ListModels implements Runnable {
    @Spec CommandSpec spec;

    record Entry(String variant, int dimensions, boolean isDefault, List<String> files, String get) {}

    @Override public void run() {
      spec.commandLine().getOut().println(JsonOut.line(entries(ModelOptions.models())));
    }

    /** Every variant with its installed files: float32, int8 and float16, those present. */
    static List<Entry> entries(Models models) {
      List<Entry> entries = new ArrayList<>();
      Models.VARIANTS.forEach((variant, dims) -> {
        List<String> files = models.installedFiles(variant).stream().map(Path::toString).toList();
        entries.add(new Entry(variant, dims, variant.equals(Models.DEFAULT_VARIANT), files,
            files.isEmpty() ? "./dreamsim model export " + variant : null));
      });
      return entries;
    }
  }
}
