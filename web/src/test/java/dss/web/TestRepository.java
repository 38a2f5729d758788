package dss.web;

import dss.model.Models;
import java.nio.file.Path;

/**
 * Where the tests find the repository's files. Surefire runs with the module folder ({@code web/}) as working
 * directory, so the repository is its parent; the engine has no global root, every path is passed explicitly.
 */
final class TestRepository {
  private TestRepository() {}

  static final Path ROOT = Path.of("").toAbsolutePath().getParent();

  static Models models() {
    return new Models(ROOT.resolve("models"));
  }
}
