package dss.search;

/** A query named an id that is not in the index (HTTP 404, exit status 1). */
public final class UnknownImageException extends RuntimeException {
  public UnknownImageException(String id) {
    super(
        "no indexed image with id '" + (id.length() <= 80 ? id : id.substring(0, 80) + "...") + "'",
        null,
        false,
        false);
  }
}
