package dss.bench;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dss.cli.JsonOut;
import dss.cli.ModelOptions;
import dss.model.Embedder;
import dss.model.Golden;
import dss.model.GoldenComparison;
import dss.model.Models;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Speed of the model runtime alone (no decoding), next to its peer in the same run: plain ONNX
 * Runtime usage (default session options, a Java float[][][][] input that ORT copies). Rounds
 * alternate so noise hits both.
 */
@Command(
    name = "model",
    header = "Measure the model runtime next to plain ONNX Runtime.",
    sortOptions = false,
    description =
        "Model runtime speed on random tensors: img/s and ms/batch of our Embedder, and of plain ONNX "
            + "Runtime usage on the same model, threads and batch (the peer), in alternating rounds; for a variant whose "
            + "int8 file is installed (or --int8 names one), that file too (our runtime), beside its float32 file, "
            + "with its distance error against the float32 file on the golden images. Random-weight models of a "
            + "variant's cost: models/make_bench_model.py (bench/model.sh makes them).")
public final class ModelBench implements Callable<Integer> {
  @Mixin ModelOptions modelOptions;

  @Option(
      names = "--seconds",
      paramLabel = "S",
      defaultValue = "20",
      description = "Measuring time, split between ours and the peer. Default: ${DEFAULT-VALUE}.")
  double seconds;

  @Option(
      names = "--rounds",
      paramLabel = "R",
      defaultValue = "3",
      description = "Alternations of ours and the peer. Default: ${DEFAULT-VALUE}.")
  int rounds;

  @Option(
      names = "--int8",
      paramLabel = "FILE",
      description =
          "An int8 copy of --model to measure beside it (default: the variant's installed int8 file, or "
              + "NAME-int8.onnx beside a NAME.onnx given as a path).")
  Path int8Option;

  @Option(
      names = "--no-int8",
      description = "Measure the float32 file only, even where an int8 copy is installed.")
  boolean noInt8;

  @Spec CommandSpec spec;

  /**
   * {@code imgPerCpuSecond}: images per second of process CPU time (all threads, ORT's included), a
   * figure that survives a shared machine better than wall-clock img/s; times the thread count it
   * estimates img/s on that many dedicated cores (pessimistic: ORT's spinning threads count too).
   */
  record Speed(double imgPerSec, double msPerBatch, int batches, double imgPerCpuSecond) {}

  /**
   * {@code int8}: our runtime on the int8 file (when there is one), {@code int8Speedup} its img/s
   * over ours, {@code int8Error} its DreamSim distance errors against the float32 file over every
   * pair of the golden images.
   */
  record Result(
      String model,
      String device,
      int threads,
      int batch,
      Speed ours,
      Speed plainOrt,
      Double ratio,
      String int8Model,
      Speed int8,
      Double int8Speedup,
      GoldenComparison.PairErrors int8Error) {}

  /** Accumulated batches and time for one contender. */
  private static final class Tally {
    int batches;
    long nanos;
    long cpuNanos;

    Speed speed(int batch) {
      double s = nanos / 1e9;
      return new Speed(
          batches * batch / s, s * 1000 / batches, batches, batches * batch / (cpuNanos / 1e9));
    }
  }

  private interface Contender {
    void runBatch() throws Exception;
  }

  @Override
  public Integer call() throws Exception {
    modelOptions.float32 = true; // the float32 row; the int8 file, when installed, gets its own row
    Path model = modelOptions.modelFile();
    Path int8 = int8File(model);
    int batch = modelOptions.batch;
    List<float[]> tensors = randomTensors(batch);
    try (Embedder embedder = modelOptions.open();
        Embedder quantized =
            int8 == null
                ? null
                : Embedder.open(int8, modelOptions.device, modelOptions.threads, batch);
        OrtSession.SessionOptions plainOptions = new OrtSession.SessionOptions()) {
      plainOptions.setIntraOpNumThreads(
          embedder.threads()); // the peer gets the same resolved count
      OrtEnvironment env = OrtEnvironment.getEnvironment();
      try (OrtSession plain = env.createSession(model.toString(), plainOptions)) {
        String input = plain.getInputNames().iterator().next();
        boolean floatInput =
            ((TensorInfo) plain.getInputInfo().get(input).getInfo()).type == OnnxJavaType.FLOAT;
        float[][][][] array = asArray(tensors);
        Contender ours = () -> embedder.embed(tensors);
        Contender peer =
            () -> {
              try (OnnxTensor t = OnnxTensor.createTensor(env, array);
                  OrtSession.Result r = plain.run(Map.of(input, t))) {
                r.get(0);
              }
            };
        List<Contender> contenders = new ArrayList<>(List.of(ours));
        if (floatInput)
          contenders.add(peer); // the plain float[][][][] path cannot feed a float16 model
        if (quantized != null) contenders.add(() -> quantized.embed(tensors));
        for (Contender c : contenders) c.runBatch(); // warm-up: first runs allocate and tune
        Tally[] tallies = {new Tally(), new Tally(), new Tally()};
        long slice = (long) (seconds * 1e9 / rounds / contenders.size());
        for (int round = 0; round < rounds; round++) {
          for (int i = 0; i < contenders.size(); i++) {
            long start = System.nanoTime();
            long cpuStart = ProcessCpu.nanos();
            long end = start + slice;
            do {
              contenders.get(i).runBatch();
              tallies[i].batches++;
            } while (System.nanoTime() < end);
            tallies[i].nanos += System.nanoTime() - start;
            tallies[i].cpuNanos += ProcessCpu.nanos() - cpuStart;
          }
        }
        Speed oursSpeed = tallies[0].speed(batch);
        Speed peerSpeed = floatInput ? tallies[1].speed(batch) : null;
        Speed int8Speed = quantized == null ? null : tallies[contenders.size() - 1].speed(batch);
        GoldenComparison.PairErrors int8Error =
            quantized == null ? null : distanceErrors(model, embedder, quantized);
        Result result =
            new Result(
                model.toString(),
                embedder.device(),
                embedder.threads(),
                batch,
                oursSpeed,
                peerSpeed,
                peerSpeed == null ? null : oursSpeed.imgPerSec() / peerSpeed.imgPerSec(),
                int8 == null ? null : int8.toString(),
                int8Speed,
                int8Speed == null ? null : int8Speed.imgPerSec() / oursSpeed.imgPerSec(),
                int8Error);
        spec.commandLine()
            .getErr()
            .printf(
                Locale.ROOT,
                "model %s on %s, threads %d, batch %d: ours %.2f img/s (%.0f ms/batch, %.2f img/CPU-s)%s%n",
                model.getFileName(),
                embedder.device(),
                embedder.threads(),
                batch,
                oursSpeed.imgPerSec(),
                oursSpeed.msPerBatch(),
                oursSpeed.imgPerCpuSecond(),
                peerSpeed == null
                    ? ""
                    : String.format(
                        Locale.ROOT,
                        ", plain ORT %.2f img/s (%.0f ms/batch, %.2f img/CPU-s), ratio %.3f",
                        peerSpeed.imgPerSec(),
                        peerSpeed.msPerBatch(),
                        peerSpeed.imgPerCpuSecond(),
                        result.ratio()));
        if (int8Speed != null) {
          spec.commandLine()
              .getErr()
              .printf(
                  Locale.ROOT,
                  "model %s (int8) on %s, threads %d, batch %d: ours %.2f img/s (%.0f "
                      + "ms/batch, %.2f img/CPU-s), %.2fx the float32 file; distance error max %.4f, mean %.4f over %d "
                      + "golden pairs%n",
                  int8.getFileName(),
                  quantized.device(),
                  quantized.threads(),
                  batch,
                  int8Speed.imgPerSec(),
                  int8Speed.msPerBatch(),
                  int8Speed.imgPerCpuSecond(),
                  result.int8Speedup(),
                  int8Error.max(),
                  int8Error.mean(),
                  int8Error.pairs());
        }
        spec.commandLine().getOut().println(JsonOut.line(result));
      }
    }
    return 0;
  }

  /**
   * {@code --int8}, else the variant's installed int8 file, else {@code NAME-int8.onnx} beside a
   * model path.
   */
  private Path int8File(Path model) {
    if (noInt8) return null;
    if (int8Option != null) return int8Option;
    String name = modelOptions.model == null ? Models.DEFAULT_VARIANT : modelOptions.model.strip();
    Path int8 =
        Models.VARIANTS.containsKey(name)
            ? ModelOptions.models().int8FileFor(name)
            : model.resolveSibling(
                model.getFileName().toString().replaceFirst("\\.onnx$", "") + "-int8.onnx");
    return Files.isRegularFile(int8) ? int8 : null;
  }

  /**
   * The int8 file's distance errors against the float32 file on the golden images (as model
   * quantize measures).
   */
  private static GoldenComparison.PairErrors distanceErrors(
      Path model, Embedder float32, Embedder int8) throws Exception {
    List<float[]> tensors = Golden.read(ModelOptions.referenceImages(model)).tensors();
    return GoldenComparison.pairErrors(float32.embed(tensors), int8.embed(tensors));
  }

  static List<float[]> randomTensors(int n) {
    Random random = new Random(42);
    List<float[]> tensors = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      float[] t = new float[Embedder.TENSOR_SIZE];
      for (int j = 0; j < t.length; j++) t[j] = random.nextFloat();
      tensors.add(t);
    }
    return tensors;
  }

  private static float[][][][] asArray(List<float[]> tensors) {
    float[][][][] a = new float[tensors.size()][3][224][224];
    for (int n = 0; n < a.length; n++) {
      for (int c = 0; c < 3; c++) {
        for (int y = 0; y < 224; y++)
          System.arraycopy(tensors.get(n), (c * 224 + y) * 224, a[n][c][y], 0, 224);
      }
    }
    return a;
  }
}
