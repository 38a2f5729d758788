package dss.cli;

import java.nio.file.Path;

/**
 * Where the command line finds its files: the installation root (the repository or an extracted release), given by
 * the launcher as the system property {@code dss.root}, else the working directory. Models live in
 * {@code ROOT/models/}, the default index in {@code ROOT/index-data/}. Only the command line knows this; the engine
 * is always given explicit paths.
 */
final class Workspace {
  private Workspace() {}

  static Path root() {
    return Path.of(System.getProperty("dss.root", ".")).toAbsolutePath().normalize();
  }

  static Path models() {
    return root().resolve("models");
  }

  static Path defaultIndex() {
    return root().resolve("index-data");
  }
}
