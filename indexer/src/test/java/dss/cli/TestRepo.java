package dss.cli;

import dss.model.Models;
import java.nio.file.Path;

/**
 * The repository's files for tests: surefire runs each module in its own directory, so the repository root is the
 * parent of the working directory. (Tests do not read {@code dss.root}: that is the command line's own setting.)
 */
public final class TestRepo {
  private TestRepo() {}

  public static Path root() {
    return Path.of("").toAbsolutePath().getParent();
  }

  public static Models models() {
    return new Models(root().resolve("models"));
  }

  /** models/test/test-model.onnx, the small checked-in model. */
  public static Path testModel() {
    return models().testModel();
  }
}
