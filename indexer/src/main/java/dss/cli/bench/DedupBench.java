package dss.cli.bench;

import picocli.CommandLine.Command;

/** Placeholder until its issue lands. */
@Command(name = "dedup", description = "(not yet built)")
public final class DedupBench implements Runnable {
  @Override public void run() {
    throw new UnsupportedOperationException("bench dedup is not built yet");
  }
}
