package dss.cli;

import picocli.CommandLine;

/** Turns an exception escaping a command into one clear line on stderr and exit status 1: no stack traces for users. */
final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {
  @Override public int handleExecutionException(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
    String message = e.getMessage() == null ? e.toString() : e.getMessage();
    cli.getErr().println(cli.getCommandSpec().qualifiedName() + ": " + message);
    if (System.getenv("DREAMSIM_DEBUG") != null) e.printStackTrace(cli.getErr());
    return e instanceof IllegalArgumentException ? 2 : 1;
  }
}
