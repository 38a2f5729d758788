package dss.cli;

import dss.model.Embedder;
import dss.model.Golden;
import dss.model.GoldenComparison;
import dss.model.ModelException;
import dss.model.ModelManifest;
import dss.model.SpeedComparison;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code dreamsim model quantize IN OUT}: the int8 copy of any model that follows the model
 * contract, kept only when its DreamSim distances stay within a bound of the original's. The
 * rewrite is Python's ({@code models/quantize.py}); the measurement is ours, with the same ONNX
 * Runtime that will run the file, on PyTorch's exact golden tensors.
 */
@Command(
    name = "quantize",
    header = "Write an int8 copy of a model and measure its distance error.",
    sortOptions = false,
    description =
        "Rewrite IN's matrix multiplies with constant weights into int8 (models/quantize.py), then "
            + "measure |d_int8 - d_float| over every pair of IN's golden images (or the test model's sample images when "
            + "IN has no golden file) and print {max_distance_error, mean_distance_error, pairs, bound, quantizer, "
            + "attempts}. ONNX Runtime's quantize_dynamic goes first when its Python package is there; the own rewrite "
            + "(python3-onnx and numpy only) when it is not, or when its error exceeds the bound. Then both files run "
            + "on this machine's CPU in alternating rounds: OUT is kept only when the int8 file is at least "
            + "--min-speedup times as fast (float32_img_per_s, int8_img_per_s, speedup). Exit status 1, and no OUT, "
            + "when the largest error exceeds the bound or the int8 file is not fast enough (refused names which).")
final class ModelQuantizeCommand implements Callable<Integer> {
  /** The largest DreamSim distance error an int8 model may add (documented in docs/model.md). */
  static final double BOUND = 0.01;

  @Parameters(index = "0", paramLabel = "IN", description = "The float32 .onnx model.")
  Path in;

  @Parameters(index = "1", paramLabel = "OUT", description = "The int8 .onnx file to write.")
  Path out;

  @Option(
      names = "--bound",
      paramLabel = "D",
      defaultValue = "" + BOUND,
      description = "Largest distance error accepted. Default: ${DEFAULT-VALUE}.")
  double bound;

  @Option(
      names = "--python",
      paramLabel = "PY",
      description =
          "Python with onnx and numpy (default: models/.venv's, else /usr/bin/python3, else python3).")
  String python;

  @Option(
      names = "--threads",
      paramLabel = "N",
      defaultValue = "0",
      description =
          "ONNX Runtime intra-op threads for the measurement; 0 = one per core. Default: ${DEFAULT-VALUE}.")
  int threads;

  /**
   * How much faster than float32 an int8 file must run on this machine to be kept: below it, the
   * CPU gains too little (or loses: some CPUs run dynamic quantisation slower than float32) for the
   * distance error it costs. Documented in docs/model.md.
   */
  static final double MIN_SPEEDUP = 1.2;

  @Option(
      names = "--min-speedup",
      paramLabel = "X",
      defaultValue = "" + MIN_SPEEDUP,
      description =
          "Keep OUT only when it runs at least X times as fast as IN here (0: do not measure). "
              + "Default: ${DEFAULT-VALUE}.")
  double minSpeedup;

  @Option(
      names = "--speed-seconds",
      paramLabel = "S",
      defaultValue = "20",
      description =
          "Time for the speed measurement, split between both files over 3 alternating "
              + "rounds. Default: ${DEFAULT-VALUE}.")
  double speedSeconds;

  @Spec CommandSpec spec;

  /** The two rewrites of models/quantize.py, in the order they are tried. */
  static final List<String> QUANTIZERS = List.of("onnxruntime", "own");

  /** models/quantize.py's exit status when --method onnxruntime cannot run here. */
  private static final int NO_ONNXRUNTIME = 3;

  record Attempt(String quantizer, double maxDistanceError, double meanDistanceError) {}

  /** The figures of the last attempt: the kept one when {@code ok}. */
  record Result(
      String input,
      String output,
      String references,
      int images,
      int pairs,
      double maxDistanceError,
      double meanDistanceError,
      double bound,
      String quantizer,
      List<Attempt> attempts,
      Double float32ImgPerS,
      Double int8ImgPerS,
      Double speedup,
      double minSpeedup,
      int threads,
      boolean ok,
      String refused) {}

  @Override
  public Integer call() throws Exception {
    if (!Files.isRegularFile(in)) throw new ModelException(in + ": no such model file");
    if (in.toAbsolutePath().normalize().equals(out.toAbsolutePath().normalize())) {
      throw new UsageError("OUT must differ from IN (" + in + ")");
    }
    Path golden = ModelOptions.referenceImages(in);
    // a hidden name with its own manifest: the rewritten graph may not state its output width, IN's
    // manifest may
    Path tmp = out.resolveSibling("." + out.getFileName() + ".quantize-tmp.onnx");
    Path tmpManifest = ModelManifest.pathFor(tmp);
    Path checksumCache =
        tmp.resolveSibling(tmp.getFileName() + ".sha256"); // the runtime's, per file
    try {
      List<float[]> tensors = Golden.read(golden).tensors();
      float[][] a;
      try (Embedder original = Embedder.open(in, "cpu", threads, 8)) {
        a = original.embed(tensors);
        measuredThreads = original.threads();
        Files.writeString(tmpManifest, "{\"dimensions\": " + original.info().dimensions() + "}\n");
      }
      List<Attempt> attempts = new ArrayList<>();
      GoldenComparison.PairErrors errors = null;
      for (String quantizer : QUANTIZERS) {
        if (!runQuantizer(tmp, quantizer)) continue; // no onnxruntime package here
        Files.deleteIfExists(checksumCache);
        try (Embedder quantized = Embedder.open(tmp, "cpu", threads, 8)) {
          errors = GoldenComparison.pairErrors(a, quantized.embed(tensors));
        }
        attempts.add(new Attempt(quantizer, errors.max(), errors.mean()));
        if (errors.max() <= bound) break;
        if (attempts.size() < QUANTIZERS.size()) {
          spec.commandLine()
              .getErr()
              .printf(
                  Locale.ROOT,
                  "dreamsim model quantize: %s's largest distance error %.5f exceeds the "
                      + "bound %s; trying the next rewrite%n",
                  quantizer,
                  errors.max(),
                  bound);
        }
      }
      SpeedComparison speed = null;
      String refused = null;
      if (errors.max() > bound) {
        refused =
            String.format(
                Locale.ROOT,
                "the largest distance error %.5f exceeds the bound %s",
                errors.max(),
                bound);
      } else if (minSpeedup > 0) {
        speed = measureSpeed(tmp, tensors);
        if (speed.ratio() < minSpeedup) {
          refused =
              String.format(
                  Locale.ROOT,
                  "the int8 file ran at %.2f img/s, %.2fx the float32 file's %.2f img/s on this "
                      + "machine (%d threads), below the %.2fx required",
                  speed.bImgPerSec(),
                  speed.ratio(),
                  speed.aImgPerSec(),
                  measuredThreads,
                  minSpeedup);
        }
      }
      boolean ok = refused == null;
      if (ok)
        Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      spec.commandLine()
          .getOut()
          .println(
              JsonOut.line(
                  new Result(
                      in.toString(),
                      ok ? out.toString() : null,
                      golden.toString(),
                      tensors.size(),
                      errors.pairs(),
                      errors.max(),
                      errors.mean(),
                      bound,
                      attempts.getLast().quantizer(),
                      attempts,
                      speed == null ? null : speed.aImgPerSec(),
                      speed == null ? null : speed.bImgPerSec(),
                      speed == null ? null : speed.ratio(),
                      minSpeedup,
                      measuredThreads,
                      ok,
                      refused)));
      if (!ok) {
        spec.commandLine()
            .getErr()
            .println("dreamsim model quantize: refused: " + refused + "; " + out + " not written");
      }
      return ok ? 0 : 1;
    } finally {
      Files.deleteIfExists(tmp);
      Files.deleteIfExists(tmpManifest);
      Files.deleteIfExists(checksumCache);
    }
  }

  /** The intra-op threads the files ran with (the option resolved). */
  private int measuredThreads;

  /**
   * Both files on the CPU at the command's threads, batch 8, on the reference images: the rates the
   * product will see when it prefers the int8 file on a CPU.
   */
  private SpeedComparison measureSpeed(Path int8, List<float[]> tensors) throws ModelException {
    spec.commandLine()
        .getErr()
        .printf(
            Locale.ROOT,
            "dreamsim model quantize: measuring float32 and int8 speed here (%.0f s)%n",
            speedSeconds);
    List<float[]> batch = tensors.subList(0, Math.min(8, tensors.size()));
    try (Embedder float32 = Embedder.open(in, "cpu", threads, 8);
        Embedder quantized = Embedder.open(int8, "cpu", threads, 8)) {
      return SpeedComparison.measure(float32, quantized, batch, speedSeconds, 3);
    }
  }

  private String python() {
    if (python != null) return python;
    Path venv = Workspace.models().resolve(".venv/bin/python");
    if (Files.isExecutable(venv)) return venv.toString();
    return Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
  }

  /** False when {@code quantizer} cannot run here (onnxruntime without its Python package). */
  private boolean runQuantizer(Path tmp, String quantizer) throws ModelException {
    List<String> command =
        List.of(
            python(),
            Workspace.models().resolve("quantize.py").toString(),
            in.toString(),
            tmp.toString(),
            "--method",
            quantizer);
    String failure =
        "models/quantize.py failed for "
            + in
            + " (it needs python3 with onnx and numpy: "
            + "apt-get install python3-onnx)";
    return ModelExport.runStreaming(command, spec.commandLine().getErr(), failure, NO_ONNXRUNTIME)
        == 0;
  }
}
