package dss.cli.bench;

import picocli.CommandLine.Command;

/** Placeholder until its issue lands. */
@Command(name = "preprocess", description = "(not yet built)")
public final class PreprocessBench implements Runnable {
  @Override public void run() {
    throw new UnsupportedOperationException("bench preprocess is not built yet");
  }
}
