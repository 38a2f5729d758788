package dss.model;

import java.nio.file.Path;

/** Where model files live and how a name given on the command line becomes a file. (Contract stub.) */
public final class Models {
  private Models() {}

  /** The repository root (system property dss.root, set by the launcher and the build), else the working dir. */
  public static Path root() {
    return Path.of(System.getProperty("dss.root", ".")).toAbsolutePath().normalize();
  }

  /** The checked-in small test model (used by tests and CI: no download needed). */
  public static Path testModel() {
    return root().resolve("models/test/test-model.onnx");
  }

  /**
   * A model path or variant name ("ensemble", "dino_vitb16", ...; null = ensemble) to an existing file. When it
   * is missing, the exception names the exact command that gets it ({@code ./dreamsim model export VARIANT}).
   */
  public static Path resolve(String nameOrPath) throws ModelException {
    throw new UnsupportedOperationException("not built yet");
  }
}
