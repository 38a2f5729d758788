package dss.index;

import java.io.IOException;

/**
 * An index that cannot be used as asked: in use by another process, made by another model, missing,
 * read-only, damaged. The message names the index and says what to do.
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

  /** Lucene (or another backend) could not read the index: damaged files; a check names them. */
  public static IndexException damaged(String location, Throwable cause) {
    return new Damaged(location, cause);
  }

  public static IndexException readOnly(String location) {
    return new IndexException(
        "index " + location + " is open read-only here (another process may be writing it)");
  }

  /** There is no index at the location (a command that creates one can go on). */
  public static final class Missing extends IndexException {
    private final String location;

    public Missing(String location) {
      this("index", location, location);
    }

    /**
     * @param what what is missing ("index", "collection photos")
     * @param where where it was looked for
     * @param location the index location that, indexed into, creates it
     */
    public Missing(String what, String where, String location) {
      super("no " + what + " at " + where + " (indexing photos into it creates it)");
      this.location = location;
    }

    /** The index location that, indexed into, creates the missing index. */
    public String location() {
      return location;
    }
  }

  /** The index's files cannot be read as an index: a check names the damaged parts. */
  public static final class Damaged extends IndexException {
    private final String location;

    Damaged(String location, Throwable cause) {
      super(
          "index "
              + location
              + " is damaged ("
              + cause.getMessage()
              + "); a check of it names the damaged"
              + " files. To recover, "
              + IndexCheck.recoveryFor(location),
          cause);
      this.location = location;
    }

    public String location() {
      return location;
    }
  }

  /** A backend without an optional capability (check, backup) that was asked for it. */
  public static final class Unsupported extends IndexException {
    /**
     * @param backend the provider's name
     * @param capability what was asked ("backup", "check")
     * @param instead what to do instead, null when nothing
     */
    public Unsupported(String backend, String capability, String instead) {
      super(
          "the "
              + backend
              + " backend has no "
              + capability
              + (instead == null ? "" : "; " + instead));
    }
  }

  /** The index was built by another model than the one given. */
  public static final class OtherModel extends IndexException {
    public OtherModel(String message) {
      super(message);
    }
  }

  /** The index was built with another preprocessing than the one asked for. */
  public static final class OtherPreprocessing extends IndexException {
    private final IndexConfig.Preprocessing built;

    public OtherPreprocessing(IndexConfig.Preprocessing built, String message) {
      super(message);
      this.built = built;
    }

    /** The preprocessing the index was built with. */
    public IndexConfig.Preprocessing built() {
      return built;
    }
  }

  /**
   * The servers holding the index did not answer (within the retry budget); the message names them.
   */
  public static final class Unreachable extends IndexException {
    public Unreachable(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** An index asked to be created exists already. */
  public static final class Exists extends IndexException {
    public Exists(String message) {
      super(message);
    }
  }

  /** No provider takes this index location. */
  public static final class UnknownLocation extends IndexException {
    // an IOException like its siblings; the command line reports it as a usage error
    public UnknownLocation(String location, java.util.List<String> forms) {
      super(
          "no index backend takes the location '"
              + location
              + "'; the forms that work: "
              + String.join(", ", forms));
    }
  }

  /** Another process (or another open instance) holds the index's writer. */
  public static final class InUse extends IndexException {
    public InUse(String location, Throwable cause) {
      super(
          "index "
              + location
              + " is in use by another process (only one indexer may write to an index at a"
              + " time; wait for it to finish or stop it)",
          cause);
    }
  }
}
