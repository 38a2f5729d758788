package dss.index.lucene;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dss.index.ImageIndex;
import dss.index.IndexCheck;
import dss.index.IndexConfig;
import dss.index.IndexException;
import dss.index.IndexVerifier;
import dss.index.TestVectors;
import dss.model.ModelInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.lucene.index.IndexWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The full verification a server runs in the background ({@link ImageIndex#verify}, {@link
 * IndexVerifier}) on real indexes on disk: bytes flipped in the middle of a vectors file larger
 * than what the fast check reads whole (the fast check passes it, the verification does not), on a
 * 100,000-vector index; only new files read after the first pass; writes stopped once damage is
 * found.
 */
class LuceneVerifyTest {
  static final int DIMS =
      8; // small: 100k vectors cheaply, still a .vec over the fast check's 1 MiB
  static final ModelInfo MODEL = new ModelInfo("test-model", "test", DIMS, "c0ffee");

  @TempDir Path tmp;

  @Test
  void damageInTheVectorsOfALargeIndexIsFoundWhereTheFastCheckSeesNone() throws Exception {
    int docs = 100_000;
    Path dir = tmp.resolve("large");
    float[][] vectors = TestVectors.uniform(docs, DIMS, 11);
    try (ImageIndex index = LuceneIndex.openWritable(dir, MODEL, IndexConfig.DEFAULT)) {
      for (int i = 0; i < docs; i++) index.upsert(LuceneIndexTest.record(i), vectors[i]);
      index.commit();
    }
    Path vec = LuceneIndexCheckTest.largest(dir, ".vec");
    long length = Files.size(vec);
    assertTrue(length > LuceneIndexCheck.SMALL_FILE, vec + ": " + length + " bytes");
    LuceneIndexCheckTest.flipBytes(vec, length / 2, 16);

    assertTrue(LuceneIndex.check(dir, false).healthy(), "the fast check reads only its footer");
    try (ImageIndex served = LuceneIndex.openReadOnly(dir);
        IndexVerifier verifier = new IndexVerifier(served, Duration.ofSeconds(30), Duration.ZERO)) {
      verifier.start();
      assertTrue(verifier.awaitFirstPass(Duration.ofMinutes(5)), "the first pass ended");
      IndexVerifier.Status status = verifier.status();
      assertEquals(IndexVerifier.State.FAILED, status.state());
      assertFalse(status.verified());
      IndexCheck.Damage damage = status.check().damage().getFirst();
      assertEquals(vec.getFileName().toString(), damage.part(), status.check().summary());
      assertTrue(damage.problem().contains("checksum failed"), damage.problem());
    }
  }

  @Test
  void laterPassesReadOnlyWhatNewCommitsWroteAndDamageStopsWrites() throws Exception {
    Path dir = tmp.resolve("live");
    float[][] vectors = TestVectors.uniform(4_000, DIMS, 5);
    try (ImageIndex index = LuceneIndex.openWritable(dir, MODEL, IndexConfig.DEFAULT)) {
      for (int i = 0; i < 3_000; i++) index.upsert(LuceneIndexTest.record(i), vectors[i]);
      index.commit();

      IndexCheck first = index.verify(false);
      assertTrue(first.healthy(), first.summary());
      Map<String, Long> before = files(dir);
      assertEquals(sum(before), first.bytesVerified(), "the first pass reads every file");

      for (int i = 3_000; i < 4_000; i++) index.upsert(LuceneIndexTest.record(i), vectors[i]);
      index.commit();
      Map<String, Long> after = files(dir);
      Map<String, Long> added = new HashMap<>(after);
      added.keySet().removeAll(before.keySet());
      assertFalse(added.isEmpty());
      IndexCheck second = index.verify(false);
      assertTrue(second.healthy(), second.summary());
      assertEquals(sum(added), second.bytesVerified(), "only the new commit's files: " + added);
      assertEquals(0, index.verify(false).bytesVerified(), "nothing new: nothing read");

      // damage to a file verified before: the files are trusted until everything is read again
      Path old = dir.resolve(largestOf(before, ".vec"));
      LuceneIndexCheckTest.flipBytes(old, Files.size(old) / 2, 16);
      assertTrue(index.verify(false).healthy());
      IndexCheck again = index.verify(true);
      assertFalse(again.healthy());
      assertEquals(old.getFileName().toString(), again.damage().getFirst().part());

      IndexException stopped =
          assertThrows(
              IndexException.class, () -> index.upsert(LuceneIndexTest.record(0), vectors[0]));
      assertTrue(stopped.getMessage().contains("writes stopped"), stopped.getMessage());
      assertThrows(IndexException.class, index::commit);
    }
  }

  /** The index's files and their lengths (the lock left out). */
  private static Map<String, Long> files(Path dir) throws IOException {
    Map<String, Long> files = new HashMap<>();
    try (Stream<Path> list = Files.list(dir)) {
      for (Path f : list.toList()) {
        String name = f.getFileName().toString();
        if (!name.equals(IndexWriter.WRITE_LOCK_NAME)) files.put(name, Files.size(f));
      }
    }
    return files;
  }

  private static long sum(Map<String, Long> files) {
    return files.values().stream().mapToLong(Long::longValue).sum();
  }

  private static String largestOf(Map<String, Long> files, String suffix) {
    return files.entrySet().stream()
        .filter(e -> e.getKey().endsWith(suffix))
        .max(Map.Entry.comparingByValue())
        .orElseThrow()
        .getKey();
  }
}
