package dss.model;

import dss.util.Sha256;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * SHA-256 of model files, cached beside the file ({@code <file>.sha256}) because models can be
 * gigabytes.
 */
public final class Checksums {
  private Checksums() {}

  /**
   * The file's SHA-256 (hex); reuses {@code <file>.sha256} while the file's size and mtime are
   * unchanged.
   */
  public static String sha256Cached(Path file) throws IOException {
    String hash = sha256IfCached(file);
    if (hash != null) return hash;
    Path cache = file.resolveSibling(file.getFileName() + ".sha256");
    String stamp = stamp(file);
    hash = sha256(file);
    try {
      Files.writeString(cache, hash + " " + stamp + "\n");
    } catch (IOException ignored) {
      // a read-only models folder only costs a recomputation next time
    }
    return hash;
  }

  /**
   * The SHA-256 from {@code <file>.sha256} while it is still valid, else null: never reads the file
   * itself.
   */
  public static String sha256IfCached(Path file) throws IOException {
    Path cache = file.resolveSibling(file.getFileName() + ".sha256");
    if (!Files.isRegularFile(cache)) return null;
    String[] cached = Files.readString(cache).trim().split(" ", 2);
    return cached.length == 2 && cached[1].equals(stamp(file)) ? cached[0] : null;
  }

  private static String stamp(Path file) throws IOException {
    return Files.size(file) + " " + Files.getLastModifiedTime(file).toMillis();
  }

  /** The file's SHA-256 (hex), always computed. */
  public static String sha256(Path file) throws IOException {
    return Sha256.hex(file);
  }
}
