package dss.web;

/** A request the server refuses: becomes {@code {"error": {"status", "message"}}} with that HTTP status. */
public final class ApiException extends RuntimeException {
  private final int status;

  public ApiException(int status, String message) {
    super(message, null, false, false);
    this.status = status;
  }

  public int status() {
    return status;
  }

  public static ApiException badRequest(String message) {
    return new ApiException(400, message);
  }

  public static ApiException notFound(String message) {
    return new ApiException(404, message);
  }

  /**
   * What a message may echo of a client's value (an id, a path, a content type): its first 80 characters, so a
   * huge value does not come back whole.
   */
  public static String clip(String value) {
    if (value == null) return "";
    return value.length() <= 80 ? value : value.substring(0, 80) + "...";
  }
}
