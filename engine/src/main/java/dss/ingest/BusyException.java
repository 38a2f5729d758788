package dss.ingest;

/**
 * Every decode slot for one-image calls is taken: the caller should retry shortly (HTTP 503 +
 * Retry-After).
 */
public final class BusyException extends RuntimeException {
  public BusyException(String message) {
    super(message, null, false, false);
  }
}
