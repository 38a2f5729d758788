package dss.cli;

import java.nio.file.Path;

/**
 * Where the command line finds its files: the installation root (the repository or an extracted
 * release), given by the launcher as the system property {@code dss.root}, else the working
 * directory. Models live in {@code ROOT/models/}, the default index in {@code ROOT/index-data/}.
 * Only the command line knows this; the engine is always given explicit paths.
 */
final class Workspace {
  private Workspace() {}

  /**
   * Set by {@link Main#run(Path, String...)} for one in-process run; the launcher's property
   * otherwise.
   */
  private static volatile Path override;

  static Path root() {
    Path given = override;
    return (given != null ? given : Path.of(System.getProperty("dss.root", ".")))
        .toAbsolutePath()
        .normalize();
  }

  static void override(Path root) {
    override = root;
  }

  static Path models() {
    return root().resolve("models");
  }

  static Path defaultIndex() {
    return root().resolve("index-data");
  }
}
