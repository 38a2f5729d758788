package dss.cli.bench;

import picocli.CommandLine.Command;

/** Placeholder until its issue lands. */
@Command(name = "ann", description = "(not yet built)")
public final class AnnBench implements Runnable {
  @Override public void run() {
    throw new UnsupportedOperationException("bench ann is not built yet");
  }
}
