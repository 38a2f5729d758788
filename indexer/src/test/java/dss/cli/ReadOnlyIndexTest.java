package dss.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reading commands on an index nothing can write to: the folder and its files made immutable
 * with {@code chattr +i} (even root cannot create, delete or change them), as on a read-only file
 * system or backup medium. Needs root and chattr on a file system that supports it; skipped with
 * the reason otherwise.
 */
class ReadOnlyIndexTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  private static int chattr(String flag, Path dir) throws IOException, InterruptedException {
    try {
      Process p =
          new ProcessBuilder("chattr", "-R", flag, dir.toString())
              .redirectErrorStream(true)
              .start();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return -1;
      }
      return p.exitValue();
    } catch (IOException e) {
      return -1; // no chattr
    }
  }

  @Test
  void readingCommandsWorkOnAnImmutableIndex() throws Exception {
    Path lib = tmp.resolve("lib");
    for (int i = 0; i < 6; i++) IndexCommandTest.image(lib.resolve("p" + i + ".png"), i);
    Path index = tmp.resolve("index");
    assertEquals(
        0,
        CliRun.of("index", "--index", index.toString(), "--model", "test", lib.toString())
            .status());
    Files.deleteIfExists(
        index.resolve("write.lock")); // a read-only medium holds just the index files
    List<String> before;
    try (var files = Files.list(index)) {
      before = files.map(f -> f.getFileName().toString()).sorted().toList();
    }

    int made = chattr("+i", index);
    try {
      assumeTrue(
          made == 0,
          "skipped: cannot make the index immutable with chattr +i (needs root, the chattr tool"
              + " and a file system with the immutable attribute; exit status "
              + made
              + ")");
      assumeTrue(
          !Files.isWritable(index.resolve(before.get(0))) || tryCreate(index),
          "skipped: chattr +i did not make the index immutable here");

      CliRun stats = CliRun.of("stats", "--index", index.toString());
      assertEquals(0, stats.status(), stats.err());
      assertEquals(6, JSON.readTree(stats.out()).get("documents").asInt());

      CliRun search =
          CliRun.of(
              "search", "--index", index.toString(), "-k", "1", lib.resolve("p2.png").toString());
      assertEquals(0, search.status(), search.err());
      JsonNode top = JSON.readTree(search.out()).get("results").get(0);
      assertEquals(lib.resolve("p2.png").toString(), top.get("path").asText());
      CliRun byId =
          CliRun.of("search", "--index", index.toString(), "--id", top.get("id").asText());
      assertEquals(0, byId.status(), byId.err());

      CliRun dedup = CliRun.of("dedup", "--index", index.toString());
      assertEquals(0, dedup.status(), dedup.err());

      for (String level : new String[] {"--fast", "--index"}) {
        CliRun check =
            level.equals("--fast")
                ? CliRun.of("check", "--index", index.toString(), "--fast")
                : CliRun.of("check", "--index", index.toString());
        assertEquals(0, check.status(), check.err());
        assertTrue(JSON.readTree(check.out()).get("healthy").asBoolean());
      }

      CliRun backup =
          CliRun.of("backup", "--index", index.toString(), tmp.resolve("backup").toString());
      assertEquals(0, backup.status(), backup.err());
      assertEquals(6, JSON.readTree(backup.out()).get("documents").asInt());

      try (var files = Files.list(index)) {
        assertEquals(
            before,
            files.map(f -> f.getFileName().toString()).sorted().toList(),
            "nothing created in the index, not even a lock file");
      }
    } finally {
      chattr("-i", index); // or the temporary folder could not be deleted
      chattr("-i", tmp.resolve("backup")); // links share the immutable files' attributes
    }
  }

  /** False when a file can be created in {@code dir} (then it is not read-only after all). */
  private static boolean tryCreate(Path dir) {
    try {
      Files.delete(Files.createFile(dir.resolve("probe")));
      return false;
    } catch (IOException e) {
      return true;
    }
  }
}
