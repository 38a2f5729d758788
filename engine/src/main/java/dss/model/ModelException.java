package dss.model;

/** A model that cannot be found, loaded or run; the message says what to do about it. */
public final class ModelException extends Exception {
  public ModelException(String message) {
    super(message);
  }

  public ModelException(String message, Throwable cause) {
    super(message, cause);
  }
}
