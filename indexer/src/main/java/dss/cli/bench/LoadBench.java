package dss.cli.bench;

import picocli.CommandLine.Command;

/** Placeholder until its issue lands. */
@Command(name = "load", description = "(not yet built)")
public final class LoadBench implements Runnable {
  @Override public void run() {
    throw new UnsupportedOperationException("bench load is not built yet");
  }
}
