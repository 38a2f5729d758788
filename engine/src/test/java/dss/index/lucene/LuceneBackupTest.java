package dss.index.lucene;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dss.index.ImageIndex;
import dss.index.IndexBackup;
import dss.index.IndexConfig;
import dss.index.IndexException;
import dss.index.TestVectors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Backups of real indexes: a quiet one, one whose commit is replaced while it is copied, refusals.
 */
class LuceneBackupTest {
  static final int DIMS = LuceneIndexCheckTest.DIMS;

  @TempDir Path tmp;

  static Object inode(Path file) throws IOException {
    return Files.getAttribute(file, "unix:ino");
  }

  static List<String> names(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(f -> f.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void aBackupIsACheckedCopyOfTheLastCommit() throws Exception {
    float[][] vectors = TestVectors.clustered(80, DIMS, 3);
    Path dir = tmp.resolve("index");
    try (ImageIndex index =
        LuceneIndex.openWritable(dir, LuceneIndexCheckTest.MODEL, IndexConfig.DEFAULT)) {
      for (int i = 0; i < 80; i++) index.upsert(LuceneIndexTest.record(i), vectors[i]);
      index.commit();
      index.upsert(LuceneIndexTest.record(99), vectors[0]); // not committed: not in the backup

      IndexBackup linked = LuceneIndex.backup(dir, tmp.resolve("backups/linked"), false);
      assertEquals(dir.toString(), linked.index());
      assertEquals(tmp.resolve("backups/linked").toString(), linked.backup());
      assertEquals(80, linked.documents());
      assertEquals(linked.files(), linked.linked(), "same file system: every file hard-linked");
      assertEquals(0, linked.copied());
      assertEquals(1, linked.attempts());
      assertTrue(
          linked.check().healthy() && linked.check().level().equals("full"), linked.toString());
      Path segments = tmp.resolve("backups/linked").resolve(linked.commit());
      assertEquals(inode(dir.resolve(linked.commit())), inode(segments), "a link shares the file");

      IndexBackup copied = LuceneIndex.backup(dir, tmp.resolve("backups/copied"), true);
      assertEquals(copied.files(), copied.copied());
      assertEquals(0, copied.linked());
      assertFalse(
          inode(dir.resolve(copied.commit()))
              .equals(inode(tmp.resolve("backups/copied").resolve(copied.commit()))),
          "--copy: files of its own");
      assertTrue(copied.bytes() > 80L * DIMS * 4, copied.toString());
    }
    assertEquals(
        List.of("copied", "linked"),
        names(tmp.resolve("backups")),
        "no staging folder left behind");
    for (String name : List.of("linked", "copied")) {
      try (ImageIndex backup = LuceneIndex.openReadOnly(tmp.resolve("backups").resolve(name))) {
        assertEquals(80, backup.count());
        assertTrue(backup.get(LuceneIndexTest.record(99).id()).isEmpty());
        try (ImageIndex.Snapshot s = backup.snapshot()) {
          assertArrayEquals(vectors[17], s.vector(LuceneIndexTest.record(17).id()).orElseThrow());
        }
      }
    }
  }

  /** The duplicate review's decisions beside the index go into the backup with it. */
  @Test
  void theDismissalsBesideTheIndexAreBackedUpToo() throws Exception {
    Path dir = tmp.resolve("index");
    try (ImageIndex index =
        LuceneIndex.openWritable(dir, LuceneIndexCheckTest.MODEL, IndexConfig.DEFAULT)) {
      index.upsert(LuceneIndexTest.record(0), TestVectors.clustered(1, DIMS, 5)[0]);
      index.commit();
    }
    String decisions = "{\"id\":\"d1\",\"ids\":[\"a\",\"b\"],\"at\":\"2026-12-07T00:00:00Z\"}\n";
    java.nio.file.Files.writeString(dir.resolve("dismissals.jsonl"), decisions);
    IndexBackup backup = LuceneIndex.backup(dir, tmp.resolve("backup"), false);
    assertTrue(backup.check().healthy(), backup.toString());
    assertEquals(decisions, java.nio.file.Files.readString(tmp.resolve("backup/dismissals.jsonl")));
  }

  @Test
  void aCommitReplacedWhileCopyingIsFollowedToTheNewOne() throws Exception {
    float[][] vectors = TestVectors.clustered(60, DIMS, 4);
    Path dir = tmp.resolve("index");
    AtomicInteger listings = new AtomicInteger();
    try (ImageIndex writer =
        LuceneIndex.openWritable(dir, LuceneIndexCheckTest.MODEL, IndexConfig.DEFAULT)) {
      for (int i = 0; i < 40; i++) {
        writer.upsert(LuceneIndexTest.record(i), vectors[i]);
        if (i % 10 == 9) writer.commit(); // four segments
      }
      IndexBackup backup =
          LuceneBackup.latest(
              dir,
              tmp.resolve("backup"),
              false,
              () -> {
                if (listings.incrementAndGet() > 1) return;
                try { // between listing the commit's files and linking them: a new commit merges
                  // them away
                  for (int i = 40; i < 60; i++)
                    writer.upsert(LuceneIndexTest.record(i), vectors[i]);
                  writer.optimize();
                } catch (IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              });
      assertEquals(
          2,
          backup.attempts(),
          "the first commit's files vanished: copied again from the newer one");
      assertEquals(60, backup.documents());
      assertTrue(backup.check().healthy(), backup.toString());
    }
    try (ImageIndex restored = LuceneIndex.openReadOnly(tmp.resolve("backup"))) {
      assertEquals(60, restored.count());
      assertEquals(1, restored.stats().segments(), "the merged commit");
    }
  }

  @Test
  void refusals() throws Exception {
    Path dir = tmp.resolve("index");
    try (ImageIndex index =
        LuceneIndex.openWritable(dir, LuceneIndexCheckTest.MODEL, IndexConfig.DEFAULT)) {
      index.upsert(LuceneIndexTest.record(1), TestVectors.clustered(1, DIMS, 5)[0]);
      index.commit();
    }
    Path taken = Files.createDirectories(tmp.resolve("taken"));
    Files.writeString(taken.resolve("keep.txt"), "mine");
    IndexException exists =
        assertThrows(IndexException.class, () -> LuceneIndex.backup(dir, taken, false));
    assertTrue(exists.getMessage().contains(taken + " already exists"), exists.getMessage());
    assertEquals(List.of("keep.txt"), names(taken), "nothing written into it");
    assertThrows(
        IndexException.Missing.class,
        () -> LuceneIndex.backup(tmp.resolve("none"), tmp.resolve("b"), false));
    IndexException inside =
        assertThrows(
            IndexException.class, () -> LuceneIndex.backup(dir, dir.resolve("backup"), false));
    assertTrue(inside.getMessage().contains("inside the index"), inside.getMessage());
  }
}
