package dss.cli;

import picocli.CommandLine.Command;

/** Placeholder until its issue lands. */
@Command(name = "dedup", description = "(not yet built)")
final class DedupCommand implements Runnable {
  @Override public void run() {
    throw new UnsupportedOperationException("dedup is not built yet");
  }
}
