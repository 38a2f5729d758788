package dss.cli;

/**
 * A mistake in how a command was called (a value out of range, options that do not go together),
 * found after parsing: exit status 2 with the message. Only this, picocli's own parameter errors
 * and the engine's {@link dss.util.InvalidSettingException} are usage errors; any other exception
 * is a failure (exit 1), so that a bug never looks like the user's mistake.
 */
public final class UsageError extends RuntimeException {
  public UsageError(String message) {
    super(message);
  }

  public UsageError(String message, Throwable cause) {
    super(message, cause);
  }
}
