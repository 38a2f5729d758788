package dss.cli;

import picocli.CommandLine.Command;

/** Placeholder until its issue lands. */
@Command(name = "eval", description = "(not yet built)")
final class EvalCommand implements Runnable {
  @Override public void run() {
    throw new UnsupportedOperationException("eval is not built yet");
  }
}
