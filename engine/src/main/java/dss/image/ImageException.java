package dss.image;

import java.nio.file.Path;

/**
 * A file that cannot be turned into a model input. The message always names the file and the
 * reason.
 */
public class ImageException extends Exception {
  private final String reason;

  public ImageException(String file, String reason) {
    super(file + ": " + reason);
    this.reason = reason;
  }

  public ImageException(Path file, String reason) {
    this(file.toString(), reason);
  }

  public ImageException(String file, String reason, Throwable cause) {
    super(file + ": " + reason, cause);
    this.reason = reason;
  }

  /**
   * The reason alone, without the file name (for JSON error fields that carry the path separately).
   */
  public String reason() {
    return reason;
  }
}
