package dss.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dss.image.ImagePipeline;
import dss.index.ImageIndex;
import dss.index.IndexConfig;
import dss.index.lucene.LuceneIndex;
import dss.ingest.BackgroundIndexing;
import dss.ingest.IngestPipeline;
import dss.ingest.LibraryIndexer;
import dss.model.Embedder;
import dss.model.TestModels;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code dreamsim serve} refusals (the server itself is tested end to end in the web module). */
class ServeCommandTest {
  @Test
  void usageErrorsExitWithTwo(@TempDir Path tmp) throws Exception {
    String index = tmp.resolve("index").toString();
    CliRun port = CliRun.of("serve", "--index", index, "--model", "test", "--port", "70000");
    assertEquals(2, port.status());
    assertTrue(port.err().contains("--port must be 0..65535"), port.err());
    assertEquals(
        2,
        CliRun.of("serve", "--index", index, "--model", "test", "--max-upload-mb", "0").status());
    assertEquals(
        2, CliRun.of("serve", "--index", index, "--model", "test", "--port", "x").status());
    CliRun fileMb = CliRun.of("serve", "--index", index, "--model", "test", "--max-file-mb", "0");
    assertEquals(2, fileMb.status());
    assertTrue(fileMb.err().contains("--max-file-mb must be at least 1"), fileMb.err());
    CliRun uploadPixels =
        CliRun.of("serve", "--index", index, "--model", "test", "--max-upload-pixels", "0");
    assertEquals(2, uploadPixels.status());
    assertTrue(
        uploadPixels.err().contains("--max-upload-pixels must be at least 1"), uploadPixels.err());
    Path library = tmp.resolve("photos");
    CliRun inside =
        CliRun.of(
            "serve",
            "--index",
            index,
            "--model",
            "test",
            "--library",
            library.toString(),
            "--quarantine",
            library.resolve("quarantine").toString());
    assertEquals(2, inside.status());
    assertTrue(inside.err().contains("is inside the --library folder"), inside.err());
    // a symbolic link outside the library to a folder inside it is inside it (real paths compared)
    java.nio.file.Files.createDirectories(library.resolve("moved"));
    Path link =
        java.nio.file.Files.createSymbolicLink(tmp.resolve("q-link"), library.resolve("moved"));
    CliRun linked =
        CliRun.of(
            "serve",
            "--index",
            index,
            "--model",
            "test",
            "--library",
            library.toString(),
            "--quarantine",
            link.resolve("not-yet").toString());
    assertEquals(2, linked.status(), linked.err());
    assertTrue(linked.err().contains("is inside the --library folder"), linked.err());
  }

  @Test
  void libraryIndexingNeedsTheWriter(@TempDir Path tmp) throws Exception {
    Path index = tmp.resolve("index");
    try (Embedder embedder = Embedder.open(TestModels.testModel(), "cpu", 1, 1);
        ImageIndex writer = LuceneIndex.openWritable(index, embedder.info(), IndexConfig.DEFAULT)) {
      CliRun run =
          CliRun.of(
              "serve",
              "--index",
              index.toString(),
              "--model",
              "test",
              "--port",
              "0",
              "--library",
              tmp.toString());
      assertEquals(1, run.status());
      assertTrue(run.err().contains("another process is writing it"), run.err());
    }
  }

  /**
   * Background indexing of --library commits on its interval while a run is still going, so new
   * photos become searchable before the whole library is done: with one photo's decoding held back,
   * the two others are committed (and the held one is not) before the run can end. Waits on the
   * commit itself, never on a clock.
   */
  @Test
  void backgroundIndexingCommitsWhileTheRunGoesOn(@TempDir Path tmp) throws Exception {
    Path lib = tmp.resolve("lib");
    IndexCommandTest.image(lib.resolve("a.png"), 1);
    IndexCommandTest.image(lib.resolve("b.png"), 2);
    Path held = lib.resolve("c.png");
    IndexCommandTest.image(held, 3);
    String heldHash = dss.util.Sha256.hex(java.nio.file.Files.readAllBytes(held));
    CountDownLatch release = new CountDownLatch(1);
    BlockingQueue<Long> commits = new LinkedBlockingQueue<>();
    var options = ServeCommand.backgroundOptions(List.of(lib), 7);
    assertEquals(7L << 20, options.maxFileBytes());
    assertEquals(List.of(lib), options.roots());
    assertTrue(
        options
                .commitInterval()
                .compareTo(LibraryIndexer.Options.defaults(List.of(lib)).commitInterval())
            < 0,
        "serve commits more often than index: " + options.commitInterval());
    try (Embedder embedder = Embedder.open(TestModels.testModel(), "cpu", 1, 1);
        ImageIndex lucene =
            LuceneIndex.openWritable(tmp.resolve("index"), embedder.info(), IndexConfig.DEFAULT);
        IngestPipeline ingest = new IngestPipeline(new ImagePipeline(), embedder, 2)) {
      // the index as the run sees it: the copy look-up of c.png waits for the test; each commit is
      // reported
      ImageIndex index =
          proxy(
              ImageIndex.class,
              lucene,
              () -> commits.add(committedCount(tmp.resolve("index"))),
              release,
              heldHash);
      try (BackgroundIndexing indexing = new BackgroundIndexing(index, ingest, options)) {
        BlockingQueue<LibraryIndexer.Summary> ended = new LinkedBlockingQueue<>();
        indexing.addListener((summary, failure) -> ended.add(summary));
        indexing.start(Duration.ofMinutes(10));
        for (Long committed = 0L;
            committed < 2; ) { // a commit may come between a.png and b.png on a slow machine
          committed = commits.poll(120, TimeUnit.SECONDS);
          assertTrue(
              committed != null && committed <= 2, "a commit while c.png is held: " + committed);
        }
        assertTrue(ended.isEmpty(), "the run is still going");
        release.countDown();
        LibraryIndexer.Summary run = ended.poll(120, TimeUnit.SECONDS);
        assertEquals(3, run.added(), String.valueOf(run));
        assertEquals(3, lucene.count());
      }
    } finally {
      release.countDown();
    }
  }

  /** The documents of the index's last commit on disk, read as another process would. */
  private static long committedCount(Path index) {
    try (ImageIndex read = LuceneIndex.openReadOnly(index)) {
      return read.count();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /**
   * A proxy of {@code target} (and of the snapshots it opens) that runs {@code afterCommit} after
   * each commit and holds the copy look-up of the content {@code heldHash} until {@code release}.
   */
  @SuppressWarnings("unchecked")
  private static <T> T proxy(
      Class<T> type, T target, Runnable afterCommit, CountDownLatch release, String heldHash) {
    return (T)
        Proxy.newProxyInstance(
            type.getClassLoader(),
            new Class<?>[] {type},
            (p, method, args) -> {
              if (method.getName().equals("firstWithHash") && heldHash.equals(args[0]))
                release.await();
              Object result;
              try {
                result = method.invoke(target, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
              if (method.getName().equals("commit")) afterCommit.run();
              if (result instanceof ImageIndex.Snapshot snapshot) {
                return proxy(ImageIndex.Snapshot.class, snapshot, afterCommit, release, heldHash);
              }
              return result;
            });
  }
}
