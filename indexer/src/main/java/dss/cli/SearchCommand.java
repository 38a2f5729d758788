package dss.cli;

import picocli.CommandLine.Command;

/** Placeholder until its issue lands. */
@Command(name = "search", description = "(not yet built)")
final class SearchCommand implements Runnable {
  @Override public void run() {
    throw new UnsupportedOperationException("search is not built yet");
  }
}
