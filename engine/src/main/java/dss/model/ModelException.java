package dss.model;

/** A model that cannot be found, loaded or run; the message says what to do about it. */
public class ModelException extends Exception {
  public ModelException(String message) {
    super(message);
  }

  public ModelException(String message, Throwable cause) {
    super(message, cause);
  }

  /** A model variant that is not installed: the export gets it. */
  public static final class NotInstalled extends ModelException {
    private final String variant;

    public NotInstalled(String variant, String message) {
      super(message);
      this.variant = variant;
    }

    public String variant() {
      return variant;
    }
  }
}
