package dss.cli;

import picocli.CommandLine.Command;

/** Placeholder until its issue lands. */
@Command(name = "distance", description = "(not yet built)")
final class DistanceCommand implements Runnable {
  @Override public void run() {
    throw new UnsupportedOperationException("distance is not built yet");
  }
}
