package dss.index.lucene;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dss.index.ImageIndex;
import dss.index.ImageRecord;
import dss.index.IndexConfig;
import dss.index.TestVectors;
import dss.model.ModelInfo;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.tests.store.MockDirectoryWrapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded index under injected storage faults (Lucene's {@link MockDirectoryWrapper}): random
 * I/O exceptions and a full disk while documents are written and committed. Whatever fails,
 * reopening the index on a healthy disk finds every document of every commit that returned
 * normally, and no document twice. A plain JUnit test with fixed seeds rather than a
 * LuceneTestCase: the writer's background merges fail too under these faults, which LuceneTestCase
 * reports as uncaught exceptions (Lucene's own such tests swap in a serial merge scheduler).
 */
class LuceneIndexFaultsTest {
  private static final int DIMS = 32;
  private static final ModelInfo MODEL = new ModelInfo("faults", "faults", DIMS, "faults");

  @TempDir Path tmp;

  @Test
  void randomIOExceptionsLoseNothingCommitted() throws Exception {
    int interrupted = 0;
    for (int round = 0; round < 4; round++) {
      Path dir = tmp.resolve("faults-" + round);
      double rate = 0.005 * (1 + round);
      Set<String> committed = writeUntilFailure(dir, round, d -> d.setRandomIOExceptionRate(rate));
      if (committed.size() < 400) interrupted++;
      assertCommittedSurvive(dir, committed, TestVectors.clustered(400, DIMS, round));
    }
    assertTrue(
        interrupted >= 2, "the faults stopped the writing in " + interrupted + " of 4 rounds");
  }

  @Test
  void fullDiskLosesNothingCommitted() throws Exception {
    for (long budget : new long[] {20_000, 60_000}) { // a larger disk only takes longer to fill
      Path dir = tmp.resolve("full-" + budget);
      Set<String> committed = writeUntilFailure(dir, budget, d -> d.setMaxSizeInBytes(budget));
      assertTrue(committed.size() < 400, "the disk filled up before the end: " + committed.size());
      assertCommittedSurvive(dir, committed, TestVectors.clustered(400, DIMS, budget));
    }
  }

  private interface Fault {
    void inject(MockDirectoryWrapper dir);
  }

  /**
   * Writes batches of 10 documents, committing after each, until a fault stops it; returns what was
   * committed.
   */
  private Set<String> writeUntilFailure(Path path, long seed, Fault fault) throws IOException {
    MockDirectoryWrapper dir = new MockDirectoryWrapper(new Random(seed), FSDirectory.open(path));
    dir.setCheckIndexOnClose(false); // the directory may be left mid-write on purpose
    dir.setThrottling(MockDirectoryWrapper.Throttling.NEVER);
    float[][] vectors = TestVectors.clustered(400, DIMS, seed);
    Set<String> committed = new HashSet<>();
    Set<String> written = new HashSet<>();
    ImageIndex index = null;
    try {
      index = LuceneIndex.openWritable(dir, path.toString(), MODEL, IndexConfig.DEFAULT);
      fault.inject(dir);
      for (int i = 0; i < vectors.length; i++) {
        ImageRecord r = record(i);
        index.upsert(r, vectors[i]);
        written.add(r.path());
        if (i % 10 == 9) {
          index.commit();
          committed.addAll(written);
        }
      }
    } catch (IOException e) {
      // the injected fault: expected, and what the test is about; the message says which index
      // failed
      if (index != null) assertTrue(e.getMessage().contains("index " + path), e.getMessage());
    } catch (IllegalStateException e) {
      // the writer closed itself after an earlier fault (Lucene's AlreadyClosedException)
    } finally {
      try {
        if (index != null) index.close();
        else dir.close();
      } catch (IOException | RuntimeException ignored) {
        // closing after a fault may fail again; the files on disk are what matters
      }
    }
    return committed;
  }

  /**
   * Every committed document is there once, with the vector that was written (read back, not only
   * the record), and a k-NN query with it finds it.
   */
  private static void assertCommittedSurvive(Path path, Set<String> committed, float[][] written)
      throws IOException {
    try (FSDirectory healthy = FSDirectory.open(path);
        ImageIndex index =
            LuceneIndex.openWritable(healthy, path.toString(), MODEL, IndexConfig.DEFAULT)) {
      java.util.Map<String, float[]> found = dss.index.CommittedVectors.assertSearchable(index);
      assertTrue(
          found.keySet().containsAll(committed),
          "committed " + committed.size() + ", found " + found.size());
      for (int i = 0; i < written.length; i++) {
        float[] stored = found.get(record(i).path());
        if (committed.contains(record(i).path())) {
          org.junit.jupiter.api.Assertions.assertArrayEquals(
              written[i], stored, 1e-6f, record(i).path());
        }
      }
    }
  }

  private static ImageRecord record(int i) {
    String path = "/faults/img" + i + ".jpg";
    return new ImageRecord(ImageRecord.idFor(path), path, "h" + i, i, i, 8, 8, "jpeg", 0);
  }
}
