package dss.cli.bench;

import picocli.CommandLine.Command;

/** Placeholder until its issue lands. */
@Command(name = "indexing", description = "(not yet built)")
public final class IndexingBench implements Runnable {
  @Override public void run() {
    throw new UnsupportedOperationException("bench indexing is not built yet");
  }
}
