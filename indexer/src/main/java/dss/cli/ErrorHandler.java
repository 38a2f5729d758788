package dss.cli;

import dss.index.IndexException;
import picocli.CommandLine;

/** Turns an exception escaping a command into one clear line on stderr and exit status 1: no stack traces for users. */
final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {
  /** Another process is writing the index: try again later (not "some inputs failed", which is 1). */
  static final int IN_USE = 3;

  @Override public int handleExecutionException(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
    String message = e.getMessage() == null ? e.toString() : e.getMessage();
    cli.getErr().println(cli.getCommandSpec().qualifiedName() + ": " + Terminal.safe(message));
    if (System.getenv("DREAMSIM_DEBUG") != null) e.printStackTrace(cli.getErr());
    if (e instanceof IndexException.InUse) return IN_USE;
    return e instanceof IllegalArgumentException ? 2 : 1;
  }
}
