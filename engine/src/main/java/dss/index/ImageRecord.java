package dss.index;

import dss.util.Sha256;

/**
 * One indexed file. {@code id} is stable for a path ({@link #idFor}); {@code hash} is the SHA-256
 * of the content (hex); {@code size} in bytes; {@code mtime} and {@code indexedAt} are epoch
 * milliseconds; {@code width} and {@code height} are the upright (EXIF-oriented) size; {@code
 * format} is the sniffed format ("jpeg", "png", ...). {@code takenAt} is the EXIF capture date as
 * ISO-8601 text, with its offset when the file gives one ({@link TakenAt}), {@code cameraMake} and
 * {@code cameraModel} the EXIF camera: each null when the file carries none. {@code recordVersion}
 * says which fields were read from the file: {@link #CURRENT_VERSION} for records with the capture
 * fields, 1 for records written before they existed (a run refreshes those without re-embedding).
 */
public record ImageRecord(
    String id,
    String path,
    String hash,
    long size,
    long mtime,
    int width,
    int height,
    String format,
    long indexedAt,
    String takenAt,
    String cameraMake,
    String cameraModel,
    int recordVersion) {
  /** The version of records that carry the capture date and camera. */
  public static final int CURRENT_VERSION = 2;

  /** A record without capture facts (none in the file), of the current version. */
  public ImageRecord(
      String id,
      String path,
      String hash,
      long size,
      long mtime,
      int width,
      int height,
      String format,
      long indexedAt) {
    this(
        id,
        path,
        hash,
        size,
        mtime,
        width,
        height,
        format,
        indexedAt,
        null,
        null,
        null,
        CURRENT_VERSION);
  }

  /** The stable id of a path: the first 16 bytes of the SHA-256 of its absolute form, in hex. */
  public static String idFor(String absolutePath) {
    return Sha256.hex(absolutePath).substring(0, 32);
  }

  /** {@link TakenAt#sortKey} of {@link #takenAt()}: null without a capture date. */
  public Long takenSortKey() {
    return TakenAt.sortKey(takenAt);
  }

  /** This record with other capture facts, at the current version. */
  public ImageRecord withCapture(String takenAt, String cameraMake, String cameraModel) {
    return new ImageRecord(
        id,
        path,
        hash,
        size,
        mtime,
        width,
        height,
        format,
        indexedAt,
        takenAt,
        cameraMake,
        cameraModel,
        CURRENT_VERSION);
  }
}
