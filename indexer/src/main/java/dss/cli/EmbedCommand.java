package dss.cli;

import picocli.CommandLine.Command;

/** Placeholder until its issue lands. */
@Command(name = "embed", description = "(not yet built)")
final class EmbedCommand implements Runnable {
  @Override public void run() {
    throw new UnsupportedOperationException("embed is not built yet");
  }
}
