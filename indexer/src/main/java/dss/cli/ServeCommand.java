package dss.cli;

import picocli.CommandLine.Command;

/** Placeholder until its issue lands. */
@Command(name = "serve", description = "(not yet built)")
final class ServeCommand implements Runnable {
  @Override public void run() {
    throw new UnsupportedOperationException("serve is not built yet");
  }
}
