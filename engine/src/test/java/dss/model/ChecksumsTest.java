package dss.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChecksumsTest {
  private static final String SHA256_ABC =
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
  private static final String SHA256_ABCD =
      "88d4266fd4e6338d13b845fcf289579d209c897823b9217da3e161936f031589";

  @Test
  void cachedBesideTheFileUntilTheFileChanges(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("m.onnx"), "abc");
    assertEquals(SHA256_ABC, Checksums.sha256Cached(file));
    assertEquals(SHA256_ABC, Files.readString(dir.resolve("m.onnx.sha256")).split(" ")[0]);

    // a stale cache entry is used while size and mtime match...
    FileTime mtime = Files.getLastModifiedTime(file);
    Files.writeString(
        dir.resolve("m.onnx.sha256"), "cafe " + Files.size(file) + " " + mtime.toMillis());
    assertEquals("cafe", Checksums.sha256Cached(file));
    // ...and recomputed once the file changes
    Files.writeString(file, "abcd");
    Files.setLastModifiedTime(file, FileTime.fromMillis(mtime.toMillis() + 2000));
    assertEquals(SHA256_ABCD, Checksums.sha256Cached(file));
    assertEquals(SHA256_ABCD, Checksums.sha256(file));
  }
}
