package dss.index;

import dss.util.Sha256;

/**
 * One indexed file. {@code id} is stable for a path ({@link #idFor}); {@code hash} is the SHA-256
 * of the content (hex); {@code size} in bytes; {@code mtime} and {@code indexedAt} are epoch
 * milliseconds; {@code width} and {@code height} are the upright (EXIF-oriented) size; {@code
 * format} is the sniffed format ("jpeg", "png", ...).
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
    long indexedAt) {
  /** The stable id of a path: the first 16 bytes of the SHA-256 of its absolute form, in hex. */
  public static String idFor(String absolutePath) {
    return Sha256.hex(absolutePath).substring(0, 32);
  }
}
