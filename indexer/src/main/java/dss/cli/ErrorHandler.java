package dss.cli;

import dss.index.IndexException;
import dss.model.ModelException;
import dss.util.InvalidSettingException;
import picocli.CommandLine;

/**
 * Turns an exception escaping a command into one clear line on stderr: no stack traces for users.
 * The engine's messages name no command or option; this is where the command line adds its own
 * advice (which command gets a missing model, which option picks another index).
 */
final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {
  /**
   * Another process is writing the index: try again later (not "some inputs failed", which is 1).
   */
  static final int IN_USE = 3;

  /** Usage errors: the caller's mistake (see {@link UsageError}). */
  static final int USAGE = 2;

  @Override
  public int handleExecutionException(
      Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
    String message = e.getMessage() == null ? e.toString() : e.getMessage();
    String advice = advice(e);
    cli.getErr()
        .println(
            cli.getCommandSpec().qualifiedName()
                + ": "
                + Terminal.safe(message)
                + (advice == null ? "" : " (" + advice + ")"));
    if (System.getenv("DREAMSIM_DEBUG") != null) e.printStackTrace(cli.getErr());
    return exitStatus(e);
  }

  static int exitStatus(Exception e) {
    if (e instanceof IndexException.InUse) return IN_USE;
    if (e instanceof UsageError
        || e instanceof InvalidSettingException
        || e instanceof CommandLine.ParameterException
        || e instanceof IndexException.UnknownLocation
        || e instanceof IndexException.Unreachable) {
      return USAGE; // a cluster that does not answer is a wrong --index as far as this command goes
    }
    return 1;
  }

  /**
   * What to do about an engine error, in the command line's terms; null when the message says it
   * all.
   */
  static String advice(Exception e) {
    return switch (e) {
      case ModelException.NotInstalled m -> "get it with: ./dreamsim model export " + m.variant();
      case IndexException.Missing m ->
          "build one with: ./dreamsim index --index " + m.location() + " DIR...";
      case IndexException.Damaged d ->
          "./dreamsim check --index " + d.location() + " names the damaged files";
      case IndexException.OtherModel m -> "choose it with --model, or another index with --index";
      case IndexException.OtherPreprocessing p ->
          (p.built() == dss.index.IndexConfig.Preprocessing.EXACT
                  ? "add --exact"
                  : "drop --exact (and DREAMSIM_EXACT)")
              + ", or choose another index with --index";
      default -> null;
    };
  }
}
