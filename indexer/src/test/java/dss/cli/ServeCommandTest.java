package dss.cli;

import dss.model.TestModels;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dss.index.IndexConfig;
import dss.index.ImageIndex;
import dss.index.lucene.LuceneIndex;
import dss.model.Embedder;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code dreamsim serve} refusals (the server itself is tested end to end in the web module). */
class ServeCommandTest {
  @Test void usageErrorsExitWithTwo(@TempDir Path tmp) {
    String index = tmp.resolve("index").toString();
    CliRun port = CliRun.of("serve", "--index", index, "--model", "test", "--port", "70000");
    assertEquals(2, port.status());
    assertTrue(port.err().contains("--port must be 0..65535"), port.err());
    assertEquals(2, CliRun.of("serve", "--index", index, "--model", "test", "--max-upload-mb", "0").status());
    assertEquals(2, CliRun.of("serve", "--index", index, "--model", "test", "--port", "x").status());
    CliRun fileMb = CliRun.of("serve", "--index", index, "--model", "test", "--max-file-mb", "0");
    assertEquals(2, fileMb.status());
    assertTrue(fileMb.err().contains("--max-file-mb must be at least 1"), fileMb.err());
    CliRun uploadPixels = CliRun.of("serve", "--index", index, "--model", "test", "--max-upload-pixels", "0");
    assertEquals(2, uploadPixels.status());
    assertTrue(uploadPixels.err().contains("--max-upload-pixels must be at least 1"), uploadPixels.err());
    Path library = tmp.resolve("photos");
    CliRun inside = CliRun.of("serve", "--index", index, "--model", "test", "--library", library.toString(),
        "--quarantine", library.resolve("quarantine").toString());
    assertEquals(2, inside.status());
    assertTrue(inside.err().contains("is inside the --library folder"), inside.err());
  }

  @Test void libraryIndexingNeedsTheWriter(@TempDir Path tmp) throws Exception {
    Path index = tmp.resolve("index");
    try (Embedder embedder = Embedder.open(TestModels.testModel(), "cpu", 1, 1);
         ImageIndex writer = LuceneIndex.openWritable(index, embedder.info(), IndexConfig.DEFAULT)) {
      CliRun run = CliRun.of("serve", "--index", index.toString(), "--model", "test", "--port", "0",
          "--library", tmp.toString());
      assertEquals(1, run.status());
      assertTrue(run.err().contains("another process is writing it"), run.err());
    }
  }

  /** Background indexing of --library commits every 5 s (new photos searchable within seconds; `index` waits 30 s). */
  @Test void backgroundIndexingCommitsEveryFiveSeconds() {
    var options = ServeCommand.backgroundOptions(java.util.List.of(Path.of("lib")), 7);
    assertEquals(java.time.Duration.ofSeconds(5), options.commitInterval());
    assertEquals(7L << 20, options.maxFileBytes());
    assertEquals(java.util.List.of(Path.of("lib")), options.roots());
  }
}
