package dss.index;

import java.io.IOException;

/**
 * An index that cannot be used as asked: in use by another process, made by another model, missing, read-only,
 * damaged.
 * The message names the index and says what to do.
 */
public class IndexException extends IOException {
  public IndexException(String message) {
    super(message);
  }

  public IndexException(String message, Throwable cause) {
    super(message, cause);
  }

  public static IndexException missing(String location) {
    return new Missing(location);
  }

  /** Lucene (or another backend) could not read the index: damaged files; the message says how to find out more. */
  public static IndexException damaged(String location, Throwable cause) {
    return new IndexException("index " + location + " is damaged (" + cause.getMessage() + "); ./dreamsim check"
        + " --index " + location + " names the damaged files. To recover, " + IndexCheck.recoveryFor(location),
        cause);
  }

  public static IndexException readOnly(String location) {
    return new IndexException("index " + location + " is open read-only here (another process may be writing it)");
  }

  /** There is no index at the location (a command that creates one can go on). */
  public static final class Missing extends IndexException {
    public Missing(String location) {
      this("index", location, location);
    }

    /**
     * @param what   what is missing ("index", "collection photos")
     * @param where  where it was looked for
     * @param option the {@code --index} value that builds it
     */
    public Missing(String what, String where, String option) {
      super("no " + what + " at " + where + " (build one with: ./dreamsim index --index " + option + " DIR...)");
    }
  }

  /** Another process (or another open instance) holds the index's writer. */
  public static final class InUse extends IndexException {
    public InUse(String location, Throwable cause) {
      super("index " + location + " is in use by another process (only one indexer may write to an index at a"
          + " time; wait for it to finish or stop it)", cause);
    }
  }
}
