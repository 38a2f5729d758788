package dss.model;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the one ONNX Runtime session on the device asked for: {@code cpu}, {@code cuda[:N]} (fails
 * when CUDA cannot be used) or {@code auto} (CUDA device 0 when it works, else CPU with one log
 * line naming the reason). ORT's {@code getAvailableProviders()} lists CUDA whenever the GPU jar is
 * used, so the only real test is to try it; but trying costs about three seconds, so {@code auto}
 * tries only where {@link NvidiaDriver} finds a driver.
 */
final class DeviceSelector {
  private static final Logger LOG = LoggerFactory.getLogger(DeviceSelector.class);

  /**
   * A session and where it runs ("cpu" or "cuda:N"); the options must stay open as long as the
   * session.
   */
  record Opened(
      OrtSession session, OrtSession.SessionOptions options, String device, int threads) {}

  /**
   * Intra-op threads for {@code --threads 0}: every core the JVM may use. ONNX Runtime's own
   * default is one thread on some VMs (measured on a 2-vCPU machine: 4.4 img/s at its default, 7.5
   * img/s with 2 threads for a ViT-B/16-cost model), so the count is always set explicitly.
   */
  static int defaultThreads() {
    return Math.max(1, Runtime.getRuntime().availableProcessors());
  }

  /** The environment variable that overrides {@link #SPINNING_DEFAULT}: 1 or 0. */
  static final String SPINNING_ENV = "DREAMSIM_ORT_SPINNING";

  /**
   * Whether ORT's intra-op threads spin while they wait for work (ORT's own default) instead of
   * sleeping. Off: bench/spinning.sh found sleeping 4% faster on an idle machine and beside one
   * busy process per core (ViT-B/16 cost, 2 cores), and a spinning thread takes CPU from the decode
   * workers and whatever else runs (docs/benchmarks.md, "Threads and spinning").
   */
  static final boolean SPINNING_DEFAULT = false;

  static boolean spinning(String value) {
    if (value == null || value.isBlank()) return SPINNING_DEFAULT;
    return switch (value.strip()) {
      case "1" -> true;
      case "0" -> false;
      default ->
          throw new dss.util.InvalidSettingException(
              SPINNING_ENV + " must be 1 or 0, not '" + value + "'");
    };
  }

  private DeviceSelector() {}

  /** The CUDA device index {@code device} asks for, -1 for cpu; {@code auto} asks for 0. */
  static int cudaIndex(String device) {
    String d = device == null ? "auto" : device.strip().toLowerCase(Locale.ROOT);
    if (d.equals("cpu")) return -1;
    if (d.equals("auto") || d.equals("cuda")) return 0;
    if (d.matches("cuda:\\d{1,3}")) return Integer.parseInt(d.substring(5));
    throw new dss.util.InvalidSettingException(
        "the device must be auto, cpu, cuda or cuda:N, not '" + device + "'");
  }

  /** Opens one session on a CUDA device ({@code cuda >= 0}) or the CPU ({@code -1}). */
  interface Sessions {
    Opened open(int cuda) throws OrtException;
  }

  static Opened open(OrtEnvironment env, Path model, String device, int threads)
      throws ModelException {
    return open(model, device, NvidiaDriver::present, cuda -> session(env, model, threads, cuda));
  }

  /** The choice itself; tests give their own driver check and count the sessions asked for. */
  static Opened open(Path model, String device, BooleanSupplier driverPresent, Sessions sessions)
      throws ModelException {
    int cuda = cudaIndex(device);
    boolean auto = device == null || device.strip().equalsIgnoreCase("auto");
    boolean driver = driverPresent.getAsBoolean();
    if (auto && !driver) {
      LOG.debug(
          "no NVIDIA driver found (no /dev/nvidia*, no libcuda.so.1): running on CPU without trying CUDA");
      cuda = -1;
    }
    if (cuda >= 0) {
      try {
        return sessions.open(cuda);
      } catch (OrtException e) {
        String reason = firstLine(e.getMessage());
        if (!auto) {
          throw new ModelException(
              "cannot run on cuda:"
                  + cuda
                  + ": "
                  + reason
                  + " (this ONNX Runtime build needs an NVIDIA driver with CUDA 12 and cuDNN 9 libraries; "
                  + "choose the cpu or auto device)",
              e);
        }
        // Most machines have no NVIDIA GPU at all: CPU is then simply the device, not a problem
        // worth a warning.
        String message =
            "CUDA not usable, running on CPU: {} (ONNX Runtime's CUDA provider needs the CUDA 12 and "
                + "cuDNN 9 libraries, e.g. libcublasLt.so.12 and libcudnn.so.9, on the library path)";
        LOG.warn(
            message,
            reason); // auto tried CUDA only because a driver is there: a GPU that cannot be used
      }
    }
    try {
      return sessions.open(-1);
    } catch (OrtException e) {
      throw new ModelException(model + ": cannot load the model: " + firstLine(e.getMessage()), e);
    }
  }

  static Opened session(OrtEnvironment env, Path model, int threads, int cuda) throws OrtException {
    OrtSession.SessionOptions options = new OrtSession.SessionOptions();
    try {
      options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      int intraOp = threads > 0 ? threads : defaultThreads();
      options.setIntraOpNumThreads(intraOp);
      options.addConfigEntry(
          "session.intra_op.allow_spinning", spinning(System.getenv(SPINNING_ENV)) ? "1" : "0");
      if (cuda >= 0) options.addCUDA(cuda);
      OrtSession session = env.createSession(model.toString(), options);
      LOG.debug(
          "ONNX Runtime session on {} with {} intra-op threads",
          cuda >= 0 ? "cuda:" + cuda : "cpu",
          intraOp);
      return new Opened(session, options, cuda >= 0 ? "cuda:" + cuda : "cpu", intraOp);
    } catch (OrtException | RuntimeException e) {
      options.close();
      throw e;
    }
  }

  private static String firstLine(String message) {
    if (message == null) return "unknown error";
    String line = message.strip().lines().findFirst().orElse(message);
    return line.replaceFirst("^Error code - ORT_\\w+ - message: ", "");
  }
}
