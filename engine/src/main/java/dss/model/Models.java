package dss.model;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where model files live (a {@code models/} folder given by the caller) and how a name becomes a
 * file.
 */
public final class Models {

  /** The model used when none is named: DreamSim's ensemble, the best on NIGHTS (96.2%). */
  public static final String DEFAULT_VARIANT = "ensemble";

  /** The variants the official dreamsim 0.2.1 package offers, with their embedding widths. */
  public static final Map<String, Integer> VARIANTS = variants();

  private static Map<String, Integer> variants() {
    Map<String, Integer> v = new LinkedHashMap<>();
    v.put("ensemble", 1792);
    v.put("dino_vitb16", 768);
    v.put("dinov2_vitb14", 768);
    v.put("synclr_vitb16", 768);
    v.put("clip_vitb32", 512);
    v.put("open_clip_vitb32", 512);
    return Collections.unmodifiableMap(v);
  }

  private final Path dir;

  /** Model files under {@code dir} (the repository's or the release's {@code models/} folder). */
  public Models(Path dir) {
    this.dir = dir.toAbsolutePath().normalize();
  }

  /** The folder holding exported models. */
  public Path dir() {
    return dir;
  }

  /** The checked-in small test model (used by tests and CI: no download needed). */
  public Path testModel() {
    return dir.resolve("test/test-model.onnx");
  }

  /**
   * The largest DreamSim distance error (against the float32 graph, measured by the export on the
   * golden pairs) with which an int8 (on a CPU) or float16 (on a GPU) file is used in place of the
   * float32 one.
   */
  public static final double MAX_DISTANCE_ERROR = 0.01;

  /** Where {@code ./dreamsim model export VARIANT --int8} writes a variant's int8 copy. */
  public Path int8FileFor(String variant) {
    return dir.resolve("dreamsim-" + variant + "-int8.onnx");
  }

  /**
   * The variant's int8 file when it is installed and its manifest records a distance error within
   * {@link #MAX_DISTANCE_ERROR}, else null. The export installs only a file that passed its gate;
   * this checks again, so a file copied in by hand with a larger (or unknown) error is not picked
   * up.
   */
  public Path passedInt8(String variant) throws ModelException {
    Path int8 = int8FileFor(variant);
    return passedGate(int8) != null ? int8 : null;
  }

  /**
   * The variant's float16 file when it is installed and its manifest records a distance error
   * within {@link #MAX_DISTANCE_ERROR} measured on CUDA, else null: a CPU measurement does not show
   * what the GPU's float16 kernels do, so such a file is used only when named.
   */
  public Path passedFp16(String variant) throws ModelException {
    Path fp16 = fileFor(variant, true);
    ModelManifest manifest = passedGate(fp16);
    return manifest != null && "cuda".equals(manifest.measuredOn()) ? fp16 : null;
  }

  /**
   * The manifest of {@code file} when the file is installed and its recorded distance error is
   * within the gate.
   */
  private static ModelManifest passedGate(Path file) throws ModelException {
    if (!Files.isRegularFile(file)) return null;
    ModelManifest manifest = ModelManifest.read(file);
    Double error = manifest == null ? null : manifest.maxDistanceError();
    return error != null && error <= MAX_DISTANCE_ERROR ? manifest : null;
  }

  /** The installed files of a variant: float32, int8 and float16, those present. */
  public java.util.List<Path> installedFiles(String variant) {
    return java.util.stream.Stream.of(
            fileFor(variant, false), int8FileFor(variant), fileFor(variant, true))
        .filter(Files::isRegularFile)
        .toList();
  }

  /**
   * Where {@code ./dreamsim model export VARIANT} writes a variant ({@code -fp16} suffix for half
   * precision).
   */
  public Path fileFor(String variant, boolean fp16) {
    return dir.resolve("dreamsim-" + variant + (fp16 ? "-fp16" : "") + ".onnx");
  }

  /**
   * The variant {@code nameOrPath} names (null = the default) when none of its files is installed,
   * else null.
   */
  public String missingVariant(String nameOrPath) {
    String name = nameOrPath == null || nameOrPath.isBlank() ? DEFAULT_VARIANT : nameOrPath.strip();
    if (!VARIANTS.containsKey(name)) return null;
    return Files.isRegularFile(fileFor(name, false)) || Files.isRegularFile(fileFor(name, true))
        ? null
        : name;
  }

  /**
   * A model path or variant name ("ensemble", "dino_vitb16", ...; null = ensemble; "test" = the
   * test model) to an existing file. A variant resolves to its fp32 export, else its fp16 export.
   * When it is missing, the exception names the exact command that gets it ({@code ./dreamsim model
   * export VARIANT}).
   */
  public Path resolve(String nameOrPath) throws ModelException {
    String name = nameOrPath == null || nameOrPath.isBlank() ? DEFAULT_VARIANT : nameOrPath.strip();
    if (name.equals("test")) return testModel();
    if (VARIANTS.containsKey(name)) {
      for (boolean fp16 : new boolean[] {false, true}) {
        if (Files.isRegularFile(fileFor(name, fp16))) return fileFor(name, fp16);
      }
      throw new ModelException.NotInstalled(
          name,
          "model '"
              + name
              + "' is not installed (models/"
              + fileFor(name, false).getFileName()
              + " is missing)");
    }
    Path file = Path.of(name);
    if (Files.isRegularFile(file)) return file;
    if (name.endsWith(".onnx") || name.contains("/") || name.contains(File.separator)) {
      throw new ModelException(name + ": model file not found");
    }
    throw new ModelException(
        "unknown model '"
            + name
            + "': give a .onnx file or one of "
            + VARIANTS.keySet()
            + " (or 'test')");
  }
}
