package dss.index;

/**
 * One indexed file: a Lucene document per path. {@code id} is stable for a path; {@code hash} is the SHA-256 of
 * the content (hex); {@code mtime} and {@code indexedAt} are epoch milliseconds.
 */
public record ImageRecord(String id, String path, String hash, long size, long mtime, int width, int height,
                          String format, long indexedAt) {}
