package dss.cli;

import picocli.CommandLine.Command;

/** Placeholder until its issue lands. */
@Command(name = "model", description = "(not yet built)")
final class ModelCommand implements Runnable {
  @Override public void run() {
    throw new UnsupportedOperationException("model is not built yet");
  }
}
