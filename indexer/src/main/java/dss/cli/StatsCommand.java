package dss.cli;

import picocli.CommandLine.Command;

/** Placeholder until its issue lands. */
@Command(name = "stats", description = "(not yet built)")
final class StatsCommand implements Runnable {
  @Override public void run() {
    throw new UnsupportedOperationException("stats is not built yet");
  }
}
