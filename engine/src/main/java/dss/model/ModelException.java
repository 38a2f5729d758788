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

  /** A run stopped by its {@link Preemption}: not a failure; the caller runs the batch again. */
  public static final class Preempted extends ModelException {
    public Preempted() {
      super("the model run was stopped for a request that came first");
    }
  }
}
