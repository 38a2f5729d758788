package dss.model;

import java.nio.file.Path;

/**
 * The repository's model folder for tests: surefire runs each module's tests in the module's
 * folder, whose parent is the repository root. Tests pass it explicitly; nothing reads a global
 * root.
 */
public final class TestModels {
  private TestModels() {}

  public static Path root() {
    return Path.of("").toAbsolutePath().getParent();
  }

  public static Models models() {
    return new Models(root().resolve("models"));
  }

  /**
   * The checked-in test model (1792-d random conv features; see models/test/make_test_model.py).
   */
  public static Path testModel() {
    return models().testModel();
  }
}
