package dss.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dss.index.ImageIndex;
import dss.index.ImageRecord;
import dss.index.IndexConfig;
import dss.index.lucene.LuceneIndex;
import dss.model.Embedder;
import dss.model.ModelInfo;
import dss.model.TestModels;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dreamsim backup} of a live index (another writer keeps committing and merging), and
 * restoring a backup over a damaged index.
 */
class BackupCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int BATCH = 5;

  @TempDir Path tmp;

  static ImageRecord record(int i) {
    String path = "/photos/live/" + i + ".jpg";
    return new ImageRecord(
        ImageRecord.idFor(path),
        path,
        "hash" + i,
        1000 + i,
        1_700_000_000_000L,
        64,
        48,
        "jpeg",
        1_800_000_000_000L);
  }

  static float[] unit(Random random, int dims) {
    float[] v = new float[dims];
    double norm = 0;
    for (int d = 0; d < dims; d++) {
      v[d] = (float) random.nextGaussian();
      norm += v[d] * v[d];
    }
    for (int d = 0; d < dims; d++) v[d] /= (float) Math.sqrt(norm);
    return v;
  }

  static long committed(Path index) throws Exception {
    try (ImageIndex reader = LuceneIndex.openReadOnly(index)) {
      return reader.count();
    }
  }

  @Test
  void backupsOfALiveIndexHoldExactlyOneCommit() throws Exception {
    Path index = tmp.resolve("index");
    ModelInfo model;
    try (Embedder embedder = Embedder.open(TestModels.testModel(), "cpu", 1, 1)) {
      model = embedder.info();
    }
    AtomicBoolean stop = new AtomicBoolean();
    java.util.concurrent.CountDownLatch twentyCommitted =
        new java.util.concurrent.CountDownLatch(1);
    AtomicReference<Throwable> failed = new AtomicReference<>();
    try (ImageIndex writer = LuceneIndex.openWritable(index, model, IndexConfig.DEFAULT)) {
      // another writer, as the server's background indexing would be: batches of 5 per commit,
      // merged now and then
      Thread writing =
          Thread.ofPlatform()
              .start(
                  () -> {
                    Random random = new Random(1);
                    try {
                      for (int i = 0; !stop.get(); i++) {
                        writer.upsert(record(i), unit(random, model.dimensions()));
                        if (i % BATCH == BATCH - 1) {
                          writer.commit();
                          if (i + 1 >= 20) twentyCommitted.countDown();
                        }
                        if (i % 200 == 199) writer.optimize();
                      }
                    } catch (Throwable t) {
                      failed.set(t);
                      twentyCommitted.countDown(); // no need to wait any longer
                    }
                  });
      try {
        assertTrue(
            twentyCommitted.await(120, java.util.concurrent.TimeUnit.SECONDS)
                || failed.get() != null,
            "the writer committed 20 documents");
        for (int round = 0; round < 3; round++) {
          Path dest = tmp.resolve("backups/b" + round);
          long before = committed(index);
          CliRun run = CliRun.of("backup", "--index", index.toString(), dest.toString());
          long after = committed(index);
          assertEquals(0, run.status(), run.err());
          JsonNode report = JSON.readTree(run.out());
          long documents = report.get("documents").asLong();
          assertTrue(
              before <= documents && documents <= after,
              before + " <= " + documents + " <= " + after + ": a commit made during the backup");
          assertTrue(report.get("check").get("healthy").asBoolean(), report.toString());
          assertEquals(
              0,
              CliRun.of("check", "--index", dest.toString()).status(),
              "the backup passes check");

          Set<String> ids = new HashSet<>();
          try (ImageIndex backup = LuceneIndex.openReadOnly(dest);
              ImageIndex.Snapshot s = backup.snapshot()) {
            for (int item = 0; item < s.items(); item++)
              if (s.live(item)) ids.add(s.record(item).id());
          }
          assertEquals(documents, ids.size());
          assertEquals(0, documents % BATCH, "whole commits only: " + documents);
          for (int i = 0; i < documents; i++)
            assertTrue(ids.contains(record(i).id()), "document " + i);
        }
      } finally {
        stop.set(true);
        writing.join();
      }
    }
    if (failed.get() != null) throw new AssertionError("the writer failed", failed.get());
  }

  @Test
  void aBackupRestoresADamagedIndex() throws Exception {
    Path lib = tmp.resolve("lib");
    for (int i = 0; i < 6; i++) IndexCommandTest.image(lib.resolve("p" + i + ".png"), i);
    Path index = tmp.resolve("index");
    assertEquals(
        0,
        CliRun.of("index", "--index", index.toString(), "--model", "test", lib.toString())
            .status());
    Path backup = tmp.resolve("backup");
    CliRun made = CliRun.of("backup", "--index", index.toString(), "--copy", backup.toString());
    assertEquals(0, made.status(), made.err());
    JsonNode report = JSON.readTree(made.out());
    assertEquals(6, report.get("documents").asInt());
    assertEquals(
        report.get("files").asInt(), report.get("copied").asInt(), "--copy: no file shared");

    Path fdt;
    try (var files = Files.list(index)) {
      fdt = files.filter(f -> f.toString().endsWith(".fdt")).findFirst().orElseThrow();
    }
    try (RandomAccessFile f = new RandomAccessFile(fdt.toFile(), "rw")) {
      f.seek(f.length() / 2);
      int b = f.read();
      f.seek(f.length() / 2);
      f.write(b ^ 1);
    }
    assertEquals(
        1, CliRun.of("check", "--index", index.toString()).status(), "the index is damaged");

    // restore, as docs/index.md says: move the damaged index aside, move the backup into its place
    Files.move(index, tmp.resolve("index-damaged"));
    Files.move(backup, index);
    assertEquals(0, CliRun.of("check", "--index", index.toString()).status());
    JsonNode again =
        JSON.readTree(
            CliRun.of("index", "--index", index.toString(), "--model", "test", lib.toString())
                .out());
    assertEquals(
        6, again.get("unchanged").asInt(), "the restored index is up to date: nothing to redo");
    CliRun search =
        CliRun.of(
            "search", "--index", index.toString(), "-k", "1", lib.resolve("p3.png").toString());
    assertEquals(
        lib.resolve("p3.png").toString(),
        JSON.readTree(search.out()).get("results").get(0).get("path").asText());
  }

  @Test
  void refusalsAreClear() throws Exception {
    Path index = tmp.resolve("index");
    Path lib = tmp.resolve("lib");
    IndexCommandTest.image(lib.resolve("p.png"), 1);
    assertEquals(
        0,
        CliRun.of("index", "--index", index.toString(), "--model", "test", lib.toString())
            .status());
    Path taken = Files.createDirectories(tmp.resolve("taken"));
    CliRun exists = CliRun.of("backup", "--index", index.toString(), taken.toString());
    assertEquals(1, exists.status());
    assertTrue(
        exists.err().startsWith("dreamsim backup: backup " + taken + " already exists"),
        exists.err());
    assertEquals(2, CliRun.of("backup", "--index", index.toString()).status(), "DEST is required");
    CliRun missing =
        CliRun.of("backup", "--index", tmp.resolve("none").toString(), tmp.resolve("b").toString());
    assertEquals(1, missing.status());
    assertTrue(missing.err().contains("no index at"), missing.err());
  }
}
