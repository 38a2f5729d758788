package dss.model;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import ai.onnxruntime.ValueInfo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.ShortBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One ONNX Runtime session for a DreamSim-contract model: input [N,3,224,224] in [0,1], output
 * [N,D]. Thread-safe: one instance is shared by all threads ({@code OrtSession.run} is). Outputs
 * are L2-normalised, so distance = 1 - dot. Batches go in as direct native-order buffers, which ORT
 * reads without a copy; float16 models are converted at the boundary.
 */
public final class Embedder implements AutoCloseable {
  private final AtomicBoolean closed = new AtomicBoolean();

  /** Floats in one model input: 3 x 224 x 224 (CHW). */
  public static final int TENSOR_SIZE = 3 * 224 * 224;

  private static final long[] IMAGE_SHAPE = {3, 224, 224};

  private final OrtSession session;
  private final OrtSession.SessionOptions options;
  private final String device;
  private final String inputName;
  private final String outputName;
  private final boolean halfInput;
  private final int batchSize;
  private final int threads;
  private final ModelInfo info;
  private final List<Branch> branches;

  private Embedder(DeviceSelector.Opened opened, int batchSize, Path model, ModelManifest manifest)
      throws ModelException, OrtException {
    this.session = opened.session();
    this.options = opened.options();
    this.device = opened.device();
    this.threads = opened.threads();
    this.batchSize = batchSize;
    Map.Entry<String, TensorInfo> input =
        single("input", session.getInputInfo(), manifest == null ? null : manifest.input());
    Map.Entry<String, TensorInfo> output =
        single("output", session.getOutputInfo(), manifest == null ? null : manifest.output());
    this.inputName = input.getKey();
    this.outputName = output.getKey();
    this.halfInput = checkInput(input.getValue());
    this.info = info(model, manifest, outputDimensions(output.getValue(), manifest));
    this.branches = manifest == null ? List.of() : manifest.branches();
    for (Branch b : branches) b.check(info.dimensions(), ModelManifest.pathFor(model).toString());
  }

  /**
   * The ensemble's layout from the manifest ({@link ModelManifest#branches()}); empty when it has
   * none.
   */
  public List<Branch> branches() {
    return branches;
  }

  /**
   * What the model is, without opening a session (which costs seconds for a gigabyte of weights):
   * from its manifest and the cached checksum. Empty when the manifest does not give the embedding
   * width (then only the graph can tell).
   */
  public static java.util.Optional<ModelInfo> describe(Path model) throws ModelException {
    ModelManifest manifest = ModelManifest.read(model);
    if (manifest == null || manifest.dimensions() <= 0) return java.util.Optional.empty();
    return java.util.Optional.of(info(model, manifest, manifest.dimensions()));
  }

  private static ModelInfo info(Path model, ModelManifest manifest, int dims)
      throws ModelException {
    String name =
        manifest != null && manifest.name() != null ? manifest.name() : ModelManifest.stem(model);
    String variant = manifest != null && manifest.variant() != null ? manifest.variant() : "custom";
    return new ModelInfo(name, variant, dims, checksum(model, manifest));
  }

  /**
   * The checksum that identifies {@code model} in an index ({@link ModelInfo#checksum()}), without
   * loading it: the manifest's {@code sha256} when it has one, else the file's SHA-256.
   */
  public static String checksum(Path model) throws ModelException {
    if (!Files.isRegularFile(model)) throw new ModelException(model + ": model file not found");
    return checksum(model, ModelManifest.read(model));
  }

  private static String checksum(Path model, ModelManifest manifest) throws ModelException {
    try {
      return manifest != null && manifest.sha256() != null
          ? manifest.sha256()
          : Checksums.sha256Cached(model);
    } catch (IOException e) {
      throw new ModelException(model + ": cannot read the model file: " + e.getMessage(), e);
    }
  }

  /**
   * Opens {@code model} ({@link Models#resolve} turns names into files).
   *
   * @param device "auto", "cpu", "cuda" or "cuda:N"; auto falls back to CPU with one log line
   *     naming the reason
   * @param threads ONNX Runtime intra-op threads; 0 = one per core the JVM may use (never ORT's own
   *     default, which is a single thread on some VMs)
   * @param batchSize images per inference call (larger batches pay off on GPUs)
   */
  public static Embedder open(Path model, String device, int threads, int batchSize)
      throws ModelException {
    if (threads < 0) {
      throw new dss.util.InvalidSettingException(
          "the thread count must be 0 (automatic) or more, not " + threads);
    }
    if (batchSize < 1)
      throw new dss.util.InvalidSettingException(
          "the batch size must be at least 1, not " + batchSize);
    if (!Files.isRegularFile(model)) throw new ModelException(model + ": model file not found");
    if (!Files.isReadable(model)) throw new ModelException(model + ": model file is not readable");
    ModelManifest manifest = ModelManifest.read(model);
    DeviceSelector.Opened opened = DeviceSelector.open(environment(), model, device, threads);
    try {
      return new Embedder(opened, batchSize, model, manifest);
    } catch (ModelException | OrtException | RuntimeException e) {
      closeQuietly(opened.session(), opened.options());
      if (e instanceof ModelException m) throw m;
      throw new ModelException(
          model + ": cannot read the model's inputs and outputs: " + e.getMessage(), e);
    }
  }

  /**
   * Whether {@code --device auto} is likely to run on CUDA here: an NVIDIA driver is installed (the
   * same check that decides whether auto tries CUDA at all). False means the CPU, where an int8
   * model pays off.
   */
  public static boolean cudaLikely() {
    return NvidiaDriver.present();
  }

  /**
   * ORT's environment is process-wide. Its own log is limited to fatal errors: every error reaches
   * us as an OrtException that we report in one line (a failed CUDA probe would otherwise print two
   * native lines first).
   */
  private static OrtEnvironment environment() {
    return OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL, "dreamsim");
  }

  public ModelInfo info() {
    return info;
  }

  /** "cpu" or "cuda:N": where the session actually runs. */
  public String device() {
    return device;
  }

  public int batchSize() {
    return batchSize;
  }

  /** ONNX Runtime intra-op threads of the session (the resolved count when 0 was asked for). */
  public int threads() {
    return threads;
  }

  /**
   * Embeds CHW tensors (3*224*224 floats each), splitting into batches of {@link #batchSize()};
   * unit vectors out.
   */
  public float[][] embed(List<float[]> tensors) throws ModelException {
    return embed(tensors, null);
  }

  /**
   * {@link #embed(List)} that {@code preemption} (null: none) may stop between two operators.
   *
   * @throws ModelException.Preempted when it was stopped; nothing is returned for any tensor
   */
  public float[][] embed(List<float[]> tensors, Preemption preemption) throws ModelException {
    for (int i = 0; i < tensors.size(); i++) {
      if (tensors.get(i) == null || tensors.get(i).length != TENSOR_SIZE) {
        throw new IllegalArgumentException(
            "tensor "
                + i
                + " must hold 3*224*224 = "
                + TENSOR_SIZE
                + " floats, not "
                + (tensors.get(i) == null ? "null" : tensors.get(i).length));
      }
    }
    float[][] out = new float[tensors.size()][];
    if (tensors.isEmpty()) return out;
    // One direct buffer per call, reused for each batch: ORT reads it in place.
    int capacity = Math.min(batchSize, tensors.size()) * TENSOR_SIZE * (halfInput ? 2 : 4);
    ByteBuffer bytes = ByteBuffer.allocateDirect(capacity).order(ByteOrder.nativeOrder());
    for (int start = 0; start < tensors.size(); start += batchSize) {
      List<float[]> batch = tensors.subList(start, Math.min(start + batchSize, tensors.size()));
      float[][] vectors = run(batch, bytes, preemption);
      System.arraycopy(vectors, 0, out, start, vectors.length);
    }
    return out;
  }

  /** Convenience for one image. */
  public float[] embed(float[] tensor) throws ModelException {
    return embed(List.of(tensor))[0];
  }

  private float[][] run(List<float[]> batch, ByteBuffer bytes, Preemption preemption)
      throws ModelException {
    long[] shape = {batch.size(), IMAGE_SHAPE[0], IMAGE_SHAPE[1], IMAGE_SHAPE[2]};
    bytes.clear();
    try (OnnxTensor input =
            halfInput
                ? halfTensor(batch, bytes.asShortBuffer(), shape)
                : floatTensor(batch, bytes.asFloatBuffer(), shape);
        OrtSession.Result result = run(input, preemption)) {
      OnnxTensor output = (OnnxTensor) result.get(0);
      long[] outShape = output.getInfo().getShape();
      if (outShape.length != 2 || outShape[0] != batch.size() || outShape[1] != info.dimensions()) {
        throw new ModelException(
            "model output '"
                + outputName
                + "' has shape "
                + Arrays.toString(outShape)
                + "; expected ["
                + batch.size()
                + ", "
                + info.dimensions()
                + "]");
      }
      float[] flat = readFloats(output);
      float[][] vectors = new float[batch.size()][];
      for (int i = 0; i < vectors.length; i++) {
        vectors[i] = Arrays.copyOfRange(flat, i * info.dimensions(), (i + 1) * info.dimensions());
        if (!Vectors.normalize(vectors[i])) {
          throw new ModelException(
              "model output for batch item " + i + " is zero or not finite; cannot normalise it");
        }
      }
      return vectors;
    } catch (OrtException e) {
      throw new ModelException("inference failed on " + device + ": " + e.getMessage(), e);
    }
  }

  private OrtSession.Result run(OnnxTensor input, Preemption preemption)
      throws OrtException, ModelException {
    if (preemption == null) return session.run(Map.of(inputName, input), Set.of(outputName));
    try (OrtSession.RunOptions options = new OrtSession.RunOptions()) {
      preemption.attach(options);
      try {
        return session.run(Map.of(inputName, input), Set.of(outputName), options);
      } catch (OrtException e) {
        if (preemption.requested()) throw new ModelException.Preempted();
        throw e;
      } finally {
        preemption.detach();
      }
    }
  }

  private static OnnxTensor floatTensor(List<float[]> batch, FloatBuffer buffer, long[] shape)
      throws OrtException {
    for (float[] t : batch) buffer.put(t);
    return OnnxTensor.createTensor(environment(), buffer.flip(), shape);
  }

  private static OnnxTensor halfTensor(List<float[]> batch, ShortBuffer buffer, long[] shape)
      throws OrtException {
    for (float[] t : batch) {
      for (float x : t) buffer.put(Float.floatToFloat16(x));
    }
    return OnnxTensor.createTensor(environment(), buffer.flip(), shape, OnnxJavaType.FLOAT16);
  }

  private static float[] readFloats(OnnxTensor output) throws ModelException {
    if (output.getInfo().type == OnnxJavaType.FLOAT) {
      FloatBuffer b = output.getFloatBuffer();
      float[] f = new float[b.remaining()];
      b.get(f);
      return f;
    }
    if (output.getInfo().type == OnnxJavaType.FLOAT16) {
      ShortBuffer b = output.getShortBuffer();
      float[] f = new float[b.remaining()];
      for (int i = 0; i < f.length; i++) f[i] = Float.float16ToFloat(b.get(i));
      return f;
    }
    throw new ModelException(
        "model output is " + output.getInfo().type + "; expected float32 or float16");
  }

  /**
   * The graph's one input (or output), or the one the manifest names when the graph has several.
   */
  private static Map.Entry<String, TensorInfo> single(
      String what, Map<String, NodeInfo> nodes, String wanted) throws ModelException {
    String name =
        wanted != null && nodes.containsKey(wanted)
            ? wanted
            : nodes.size() == 1 ? nodes.keySet().iterator().next() : null;
    if (name == null) {
      throw new ModelException(
          "the model has "
              + nodes.size()
              + " "
              + what
              + "s "
              + nodes.keySet()
              + "; expected one (or a manifest naming it)");
    }
    ValueInfo value = nodes.get(name).getInfo();
    if (!(value instanceof TensorInfo tensor)) {
      throw new ModelException("model " + what + " '" + name + "' is not a tensor: " + value);
    }
    return Map.entry(name, tensor);
  }

  /**
   * True for a float16 input; throws unless the input is float [N,3,224,224] with a free batch
   * axis.
   */
  private static boolean checkInput(TensorInfo input) throws ModelException {
    long[] s = input.getShape();
    boolean typeOk = input.type == OnnxJavaType.FLOAT || input.type == OnnxJavaType.FLOAT16;
    boolean shapeOk = s.length == 4 && s[0] < 0 && s[1] == 3 && s[2] == 224 && s[3] == 224;
    if (!typeOk || !shapeOk) {
      throw new ModelException(
          "model input is "
              + input.type
              + " "
              + Arrays.toString(s)
              + "; the model contract is float32 (or float16) [N, 3, 224, 224] with a dynamic batch axis N");
    }
    return input.type == OnnxJavaType.FLOAT16;
  }

  /**
   * D of the [N, D] output: from the graph, else from the manifest; they must agree when both give
   * it.
   */
  private static int outputDimensions(TensorInfo output, ModelManifest manifest)
      throws ModelException {
    long[] s = output.getShape();
    if (s.length != 2) {
      throw new ModelException(
          "model output has shape " + Arrays.toString(s) + "; the contract is [N, D]");
    }
    int fromManifest = manifest == null ? 0 : manifest.dimensions();
    if (s[1] > 0 && fromManifest > 0 && s[1] != fromManifest) {
      throw new ModelException(
          "the model's output has " + s[1] + " dimensions but its manifest says " + fromManifest);
    }
    if (s[1] > 0) return (int) s[1];
    if (fromManifest > 0) return fromManifest;
    throw new ModelException(
        "the model's output width is not fixed in the graph; add a manifest giving 'dimensions'");
  }

  /** Releases the native session; later calls do nothing. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) closeQuietly(session, options);
  }

  private static void closeQuietly(OrtSession session, OrtSession.SessionOptions options) {
    try {
      session.close();
    } catch (OrtException ignored) {
      // closing a session only fails for one already closed
    }
    options.close();
  }
}
