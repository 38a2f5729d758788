package dss.index;

import java.io.IOException;
import java.nio.file.Path;

/** An index that cannot be used as asked: in use by another process, made by another model, or missing. */
public final class IndexException extends IOException {
  public IndexException(String message) {
    super(message);
  }

  public IndexException(String message, Throwable cause) {
    super(message, cause);
  }

  static IndexException inUse(Path dir, Throwable cause) {
    return new IndexException("index " + dir + " is in use by another process (only one indexer may write to an"
        + " index at a time; wait for it to finish or stop it)", cause);
  }

  static IndexException missing(Path dir) {
    return new IndexException("no index at " + dir + " (build one with: ./dreamsim index --index " + dir + " DIR...)");
  }
}
