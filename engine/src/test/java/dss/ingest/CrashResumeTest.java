package dss.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dss.index.CommittedVectors;
import dss.index.ImageIndex;
import dss.index.IndexConfig;
import dss.index.IndexException;
import dss.index.lucene.LuceneIndex;
import dss.model.Embedder;
import dss.util.FolderWatch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real indexer process is killed with SIGKILL mid-run; the next run keeps what was committed and
 * finishes.
 */
class CrashResumeTest {
  static final int IMAGES = 120;

  @TempDir Path tmp;

  @Test
  void killNineThenResumeLosesNothingCommittedAndDuplicatesNothing() throws Exception {
    Path lib = tmp.resolve("lib");
    Path indexDir = tmp.resolve("index");
    for (int i = 0; i < IMAGES; i++)
      TestLibrary.image(lib.resolve("d" + i % 4 + "/p" + i + ".jpg"), i, 640, 480, "jpg");

    Process child =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules",
                "jdk.incubator.vector",
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                IndexerChild.class.getName(),
                indexDir.toString(),
                lib.toString())
            .redirectErrorStream(true)
            .redirectOutput(tmp.resolve("child.log").toFile())
            .start();
    Set<String> committed;
    try {
      committed = awaitFirstCommits(indexDir, child);
      dss.model.ModelInfo model;
      try (Embedder embedder = TestLibrary.testModel()) {
        model = embedder.info();
      }
      IndexException inUse =
          assertThrows(
              IndexException.InUse.class,
              () -> LuceneIndex.openWritable(indexDir, model, IndexConfig.DEFAULT));
      assertTrue(inUse.getMessage().contains("is in use by another process"), inUse.getMessage());
    } finally {
      child.destroyForcibly(); // SIGKILL on Linux: no shutdown hooks, no close, no final commit
      child.waitFor(30, TimeUnit.SECONDS);
    }
    assertTrue(
        committed.size() < IMAGES,
        "the child was killed before it finished (" + committed.size() + ")");

    Set<String> afterKill;
    try (ImageIndex read =
        LuceneIndex.openReadOnly(indexDir)) { // the vectors too, and the search over them
      afterKill = CommittedVectors.assertSearchable(read).keySet();
    }
    assertTrue(afterKill.containsAll(committed), "everything committed before the kill survives");

    try (Embedder embedder = TestLibrary.testModel()) {
      LibraryIndexer.Summary resumed =
          TestLibrary.run(indexDir, embedder, TestLibrary.options(lib, 50), f -> {});
      assertEquals(afterKill.size(), resumed.unchanged(), "committed files are not redone");
      assertEquals(IMAGES - afterKill.size(), resumed.added());
      assertEquals(0, resumed.failed());
    }
    try (var dir = FSDirectory.open(indexDir);
        IndexReader reader = DirectoryReader.open(dir)) {
      assertEquals(IMAGES, reader.numDocs(), "one document per file: no duplicates");
    }
    assertEquals(IMAGES, paths(indexDir).size());
  }

  /**
   * Waits for a commit with some (not all) documents, woken by the index folder's file events (a
   * commit creates a segments file); returns their paths.
   */
  private static Set<String> awaitFirstCommits(Path indexDir, Process child) throws Exception {
    try (FolderWatch watch = new FolderWatch(indexDir).stopOn(child.onExit())) {
      return watch
          .await(
              () -> {
                if (!Files.isDirectory(indexDir)) return null;
                try (var dir = FSDirectory.open(indexDir)) {
                  if (!DirectoryReader.indexExists(dir)) return null;
                }
                Set<String> paths = paths(indexDir);
                return paths.isEmpty() ? null : paths;
              },
              Duration.ofSeconds(120))
          .orElseThrow(
              () ->
                  new AssertionError(
                      child.isAlive()
                          ? "no commit within 120 s"
                          : "the child indexer exited before its first commit: see child.log"));
    }
  }

  private static Set<String> paths(Path indexDir) throws Exception {
    try (var dir = FSDirectory.open(indexDir);
        IndexReader reader = DirectoryReader.open(dir)) {
      Set<String> paths = new HashSet<>();
      StoredFields stored = new IndexSearcher(reader).storedFields();
      for (int doc = 0; doc < reader.maxDoc(); doc++) paths.add(stored.document(doc).get("path"));
      return paths;
    }
  }
}
