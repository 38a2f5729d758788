package dss.util;

/**
 * A value a caller chose is not one the engine takes: an index location of no known form, a device
 * name, a thread or batch count. The message names the setting and what works. A front end reports
 * it as the user's mistake (the command line: a usage error); any other {@link
 * IllegalArgumentException} escaping the engine is a bug.
 */
public class InvalidSettingException extends IllegalArgumentException {
  public InvalidSettingException(String message) {
    super(message);
  }
}
