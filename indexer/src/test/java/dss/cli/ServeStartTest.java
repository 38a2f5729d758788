package dss.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dss.util.FolderWatch;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dreamsim serve} as a real child process: options that reach the server and its background
 * indexing.
 */
class ServeStartTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  @Test
  void maxFileMbReachesBackgroundIndexing() throws Exception {
    Path lib = tmp.resolve("lib");
    IndexCommandTest.image(lib.resolve("a.png"), 1);
    IndexCommandTest.image(lib.resolve("b.png"), 2);
    try (var f =
        new java.io.RandomAccessFile(
            lib.resolve("big.jpg").toFile(), "rw")) { // 2 MiB, starts like a JPEG
      f.write(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0});
      f.setLength(2L << 20);
    }
    try (ServeProcess serve =
        ServeProcess.start(
            tmp.resolve("serve.log"),
            "--index",
            tmp.resolve("index").toString(),
            "--model",
            "test",
            "--port",
            "0",
            "--library",
            lib.toString(),
            "--max-file-mb",
            "1")) {
      assertTrue(
          serve.firstLine != null && serve.firstLine.startsWith("{\"url\""),
          serve.firstLine + serve.log());
      String url = JSON.readTree(serve.firstLine).get("url").asText();
      // the server logs the end of each run: its log's writes wake the check (no polling of the
      // server)
      JsonNode lastRun;
      try (FolderWatch watch = new FolderWatch(tmp)) {
        lastRun =
            watch
                .await(
                    () -> {
                      JsonNode indexing =
                          JSON.readTree(ServeProcess.get(url + "api/stats")).get("indexing");
                      return indexing != null && indexing.hasNonNull("last_run")
                          ? indexing.get("last_run")
                          : null;
                    },
                    Duration.ofSeconds(120))
                .orElse(null);
      }
      assertTrue(lastRun != null, "the first background run ended: " + serve.log());
      assertEquals(2, lastRun.get("added").asInt(), lastRun.toString());
      assertEquals(1, lastRun.get("failed").asInt(), lastRun.toString());
      assertTrue(
          serve
              .log()
              .contains(
                  "big.jpg: file too large: 2097152 bytes, above the limit of 1048576 bytes"
                      + " (1 MiB)"),
          serve.log());
    }
  }
}
