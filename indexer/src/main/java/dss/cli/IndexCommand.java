package dss.cli;

import picocli.CommandLine.Command;

/** Placeholder until its issue lands. */
@Command(name = "index", description = "(not yet built)")
final class IndexCommand implements Runnable {
  @Override public void run() {
    throw new UnsupportedOperationException("index is not built yet");
  }
}
