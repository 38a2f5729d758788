package dss.index.lucene;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dss.index.ImageIndex;
import dss.index.IndexCheck;
import dss.index.IndexConfig;
import dss.index.IndexException;
import dss.index.TestVectors;
import dss.model.ModelInfo;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code check} on real indexes on disk, healthy and damaged the way disks and careless copies
 * damage them: bytes flipped in the middle of the vectors, single bits flipped in the stored
 * fields, a damaged commit file, a missing or truncated file; and on a live index that another
 * writer keeps committing and merging.
 */
class LuceneIndexCheckTest {
  static final int DIMS = 1792;
  static final ModelInfo MODEL = new ModelInfo("test-model", "test", DIMS, "c0ffee");

  @TempDir Path tmp;

  /** {@code docs} documents written in {@code commits} commits (so several segments). */
  Path build(String name, int docs, int commits) throws IOException {
    Path dir = tmp.resolve(name);
    float[][] vectors = TestVectors.clustered(docs, DIMS, 7);
    try (ImageIndex index = LuceneIndex.openWritable(dir, MODEL, IndexConfig.DEFAULT)) {
      for (int i = 0; i < docs; i++) {
        index.upsert(LuceneIndexTest.record(i), vectors[i]);
        if ((i + 1) % Math.max(1, docs / commits) == 0) index.commit();
      }
      index.commit();
    }
    return dir;
  }

  static Path copy(Path from, Path to) throws IOException {
    Files.createDirectories(to);
    try (Stream<Path> files = Files.list(from)) {
      for (Path f : files.toList()) Files.copy(f, to.resolve(f.getFileName()));
    }
    return to;
  }

  /** The largest file of the index whose name ends with {@code suffix}. */
  static Path largest(Path dir, String suffix) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .filter(f -> f.getFileName().toString().endsWith(suffix))
          .max((a, b) -> Long.compare(a.toFile().length(), b.toFile().length()))
          .orElseThrow();
    }
  }

  static void flipBytes(Path file, long at, int count) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      for (long i = at; i < at + count; i++) {
        f.seek(i);
        int b = f.read();
        f.seek(i);
        f.write(b ^ 0xFF);
      }
    }
  }

  static void flipBit(Path file, long bit) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.seek(bit / 8);
      int b = f.read();
      f.seek(bit / 8);
      f.write(b ^ (1 << (bit % 8)));
    }
  }

  static void assertNames(IndexCheck check, Path damagedFile) {
    assertFalse(check.healthy(), "damage in " + damagedFile.getFileName() + " found: " + check);
    String name = damagedFile.getFileName().toString();
    assertTrue(
        check.damage().stream().anyMatch(d -> name.equals(d.part())),
        "names " + name + ": " + check);
    assertTrue(check.recovery().contains("re-index from the library"), check.recovery());
    assertTrue(
        check.summary().contains(name) && check.summary().contains("re-index"), check.summary());
  }

  @Test
  void aHealthyIndexPassesBothChecks() throws Exception {
    Path dir =
        build(
            "healthy", 320,
            2); // segments of 160: their vectors are larger than the fast check reads
    long bytes = 0;
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.toList())
        if (!f.getFileName().toString().equals("write.lock")) bytes += Files.size(f);
    }
    for (boolean full : new boolean[] {false, true}) {
      IndexCheck check = LuceneIndex.check(dir, full);
      assertTrue(check.healthy(), check.toString());
      assertEquals(full ? "full" : "fast", check.level());
      assertEquals(320L, check.documents());
      assertTrue((Integer) check.details().get("segments") >= 1, check.toString());
      assertEquals(MODEL, check.model());
      assertTrue(
          check.details().get("commit").toString().startsWith("segments_"), check.toString());
      assertTrue(check.damage().isEmpty());
      assertNull(check.recovery());
      if (full)
        assertTrue(check.bytesVerified() >= bytes * 9 / 10, check.bytesVerified() + " of " + bytes);
      else
        assertTrue(
            check.bytesVerified() > 0 && check.bytesVerified() < bytes,
            check.bytesVerified() + " of " + bytes);
    }
    try (ImageIndex reader = LuceneIndex.openReadOnly(dir);
        ImageIndex writer =
            LuceneIndex.openWritable(build("writable", 20, 1), MODEL, IndexConfig.DEFAULT)) {
      assertTrue(reader.check(true).healthy());
      assertEquals(
          20L, writer.check(true).documents(), "a writable instance checks its own last commit");
    }
  }

  @Test
  void everyVectorStoragePassesTheFullCheck() throws Exception {
    float[][] vectors = TestVectors.clustered(40, DIMS, 9);
    for (IndexConfig.Quantization q : IndexConfig.Quantization.values()) {
      Path dir = tmp.resolve("storage-" + q);
      try (ImageIndex index = LuceneIndex.openWritable(dir, MODEL, new IndexConfig(q, 16, 100))) {
        for (int i = 0; i < vectors.length; i++)
          index.upsert(LuceneIndexTest.record(i), vectors[i]);
        index.commit();
      }
      IndexCheck check = LuceneIndex.check(dir, true);
      assertTrue(check.healthy(), q + ": " + check);
      assertEquals(40L, check.documents());
    }
  }

  @Test
  void bytesFlippedInTheMiddleOfTheVectorsAreFound() throws Exception {
    Path good = build("good", 160, 1);
    Path bad = copy(good, tmp.resolve("bad"));
    Path vec = largest(bad, ".vec");
    assertTrue(Files.size(vec) > 1 << 20, "the vectors are a large file: " + Files.size(vec));
    flipBytes(vec, Files.size(vec) / 2, 16);
    assertNames(LuceneIndex.check(bad, true), vec);
    assertTrue(LuceneIndex.check(good, true).healthy(), "the original is untouched");
  }

  @Test
  void singleBitFlipsInTheStoredFieldsAreFound() throws Exception {
    Path good = build("good", 200, 1);
    long bits = Files.size(largest(good, ".fdt")) * 8;
    for (long seed = 0; seed < 12; seed++) {
      Path bad = copy(good, tmp.resolve("bad-" + seed));
      Path fdt = largest(bad, ".fdt");
      flipBit(fdt, Math.floorMod(new Random(seed).nextLong(), bits));
      assertNames(LuceneIndex.check(bad, true), fdt);
      assertNames(
          LuceneIndex.check(bad, false), fdt); // a small file: the fast check reads it whole too
    }
  }

  @Test
  void aDamagedCommitAMissingFileAndATruncatedFileAreFound() throws Exception {
    Path good = build("good", 160, 1);

    Path commit = copy(good, tmp.resolve("commit"));
    Path segments =
        largest(commit, "")
            .getParent()
            .resolve(LuceneIndex.check(good, false).details().get("commit").toString());
    flipBit(segments, Files.size(segments) * 8 / 2);
    IndexCheck check = LuceneIndex.check(commit, false);
    assertNames(check, segments);
    assertNull(check.documents(), "no list of segments to count from");
    IndexException opening =
        assertThrows(IndexException.class, () -> LuceneIndex.openReadOnly(commit));
    assertTrue(
        opening.getMessage().contains("index " + commit + " is damaged")
            && opening.getMessage().contains("a check of it names the damaged files")
            && opening.getMessage().contains("re-index from the library"),
        opening.getMessage());

    Path missing = copy(good, tmp.resolve("missing"));
    Path fdm = largest(missing, ".fdm");
    Files.delete(fdm);
    check = LuceneIndex.check(missing, false);
    assertNames(check, fdm);
    assertTrue(check.damage().get(0).problem().contains("missing"), check.toString());
    assertTrue(check.damage().get(0).partOf().startsWith("_"), "names the segment: " + check);

    Path truncated = copy(good, tmp.resolve("truncated"));
    Path vec = largest(truncated, ".vec");
    try (RandomAccessFile f = new RandomAccessFile(vec.toFile(), "rw")) {
      f.setLength(f.length() - 100);
    }
    assertNames(
        LuceneIndex.check(truncated, false), vec); // the fast check reads the large files' footers
    assertNames(LuceneIndex.check(truncated, true), vec);
  }

  @Test
  void anIndexWithoutOurMetadataIsReported() throws Exception {
    Path plain = tmp.resolve("plain");
    try (var dir = FSDirectory.open(plain);
        IndexWriter w = new IndexWriter(dir, new IndexWriterConfig())) {
      Document doc = new Document();
      doc.add(new StringField("id", "1", Field.Store.YES));
      w.addDocument(doc);
      w.commit();
    }
    IndexCheck check = LuceneIndex.check(plain, true);
    assertFalse(check.healthy());
    assertNull(check.model());
    assertTrue(
        check.damage().stream().anyMatch(d -> d.problem().contains("not made by dreamsim")),
        check.toString());
    assertThrows(
        IndexException.Missing.class, () -> LuceneIndex.check(tmp.resolve("nothing"), false));
  }

  @Test
  void aLiveIndexChecksCleanWhileAnotherWriterCommitsAndMerges() throws Exception {
    Path dir = build("live", 50, 1);
    float[][] vectors = TestVectors.clustered(2000, DIMS, 11);
    AtomicBoolean stop = new AtomicBoolean();
    AtomicReference<Throwable> failed = new AtomicReference<>();
    List<IndexCheck> checks = new ArrayList<>();
    try (ImageIndex writer = LuceneIndex.openWritable(dir, MODEL, IndexConfig.DEFAULT)) {
      Thread writing =
          Thread.ofPlatform()
              .start(
                  () -> {
                    try {
                      for (int i = 50; i < vectors.length && !stop.get(); i++) {
                        writer.upsert(LuceneIndexTest.record(i), vectors[i]);
                        if (i % 5 == 0) writer.commit(); // many small segments...
                        if (i % 60 == 0)
                          writer.optimize(); // ...merged away: their files are deleted
                      }
                    } catch (Throwable t) {
                      failed.set(t);
                    }
                  });
      try {
        for (int round = 0; round < 30 && writing.isAlive(); round++) {
          checks.add(
              LuceneIndex.check(
                  dir, round % 2 == 0)); // another opener, as another process would be
          checks.add(writer.check(round % 3 == 0)); // the writer's own instance
        }
      } finally {
        stop.set(true);
        writing.join();
      }
    }
    if (failed.get() != null) throw new AssertionError("the writer failed", failed.get());
    assertTrue(checks.size() >= 10, "checks ran while the writer was writing: " + checks.size());
    for (IndexCheck c : checks) assertTrue(c.healthy(), "no false alarm on a live index: " + c);
    assertTrue(LuceneIndex.check(dir, true).healthy());
  }
}
