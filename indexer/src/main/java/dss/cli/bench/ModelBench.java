package dss.cli.bench;

import picocli.CommandLine.Command;

/** Placeholder until its issue lands. */
@Command(name = "model", description = "(not yet built)")
public final class ModelBench implements Runnable {
  @Override public void run() {
    throw new UnsupportedOperationException("bench model is not built yet");
  }
}
