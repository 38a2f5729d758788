package dss.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dss.image.ImageException;
import dss.image.ImagePipeline;
import dss.index.ImageIndex;
import dss.index.ImageRecord;
import dss.index.IndexConfig;
import dss.index.lucene.LuceneIndex;
import dss.model.Embedder;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Adding and removing single images as transactions, on a real index on disk with the real test
 * model.
 */
class ImageEditsTest {
  static Embedder embedder;

  @TempDir Path tmp;
  Path uploads;
  byte[] png;

  @BeforeAll
  static void openModel() throws Exception {
    embedder = TestLibrary.testModel();
  }

  @AfterAll
  static void closeModel() {
    embedder.close();
  }

  @BeforeEach
  void image() throws Exception {
    uploads = tmp.resolve("uploads");
    png = Files.readAllBytes(TestLibrary.image(tmp.resolve("src/a.png"), 7, 96, 64, "png"));
  }

  /** An index whose next commit fails once when {@code failNext} is set (as a full disk would). */
  static ImageIndex failingCommit(ImageIndex index, AtomicBoolean failNext) {
    return (ImageIndex)
        Proxy.newProxyInstance(
            ImageIndex.class.getClassLoader(),
            new Class<?>[] {ImageIndex.class},
            (p, method, args) -> {
              if (method.getName().equals("commit") && failNext.getAndSet(false))
                throw new IOException("disk full");
              try {
                return method.invoke(index, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }

  private List<String> stored() throws IOException {
    if (!Files.exists(uploads)) return List.of();
    try (Stream<Path> files = Files.walk(uploads)) {
      return files.map(f -> uploads.relativize(f).toString()).sorted().toList();
    }
  }

  /**
   * The added image is committed with its vector, and a library run over the folder later finds it
   * unchanged.
   */
  @Test
  void anAddedImageIsStoredCommittedAndKnownToLaterRuns() throws Exception {
    try (ImageIndex index =
            LuceneIndex.openWritable(tmp.resolve("index"), embedder.info(), IndexConfig.DEFAULT);
        IngestPipeline ingest = new IngestPipeline(new ImagePipeline(), embedder, 1)) {
      ImageEdits.Added added =
          new ImageEdits(index, ingest, uploads).add(png, "field 'image'", "trip/a.png");
      Path file = uploads.resolve("trip/a.png").toAbsolutePath().normalize();
      assertArrayEquals(png, Files.readAllBytes(file));
      assertEquals(file.toString(), added.record().path());
      try (ImageIndex.Snapshot s = index.snapshot()) {
        assertEquals(1, s.count());
        assertArrayEquals(
            embedder.embed(new ImagePipeline().prepare(file).tensor()),
            s.vector(ImageRecord.idFor(file.toString())).orElseThrow(),
            1e-5f);
      }
      LibraryIndexer.Summary rescan =
          new LibraryIndexer(index, ingest, TestLibrary.options(uploads, 10))
              .run(
                  f -> {
                    throw new AssertionError(f.toString());
                  });
      assertEquals(1, rescan.unchanged());
      assertEquals(0, rescan.embedded());
    }
  }

  /** A bad image, or a path outside the upload folder, is refused before anything is written. */
  @Test
  void refusedAddsWriteNothing() throws Exception {
    try (ImageIndex index =
            LuceneIndex.openWritable(tmp.resolve("index"), embedder.info(), IndexConfig.DEFAULT);
        IngestPipeline ingest = new IngestPipeline(new ImagePipeline(), embedder, 1)) {
      ImageEdits edits = new ImageEdits(index, ingest, uploads);
      ImageException bad =
          assertThrows(
              ImageException.class,
              () ->
                  edits.add(
                      "not an image".getBytes(StandardCharsets.UTF_8),
                      "field 'image' (notes.png)",
                      null));
      assertTrue(bad.getMessage().contains("notes.png"), bad.getMessage());
      for (String path : List.of("../outside.png", "/etc/x.png", "a/../../b.png")) {
        ImageEdits.Refused e =
            assertThrows(ImageEdits.Refused.class, () -> edits.add(png, "upload", path));
        assertTrue(e.getMessage().contains(path), e.getMessage());
      }
      assertEquals(List.of(), stored());
      assertFalse(Files.exists(tmp.resolve("outside.png")));
      assertEquals(0, index.count());
    }
  }

  /**
   * When the commit fails, the new file and the folders made for it go again, and so does the
   * uncommitted document: the next commit (another upload) publishes only what is on disk.
   */
  @Test
  void aFailedCommitRollsTheAddBack() throws Exception {
    AtomicBoolean failNext = new AtomicBoolean();
    try (ImageIndex lucene =
            LuceneIndex.openWritable(tmp.resolve("index"), embedder.info(), IndexConfig.DEFAULT);
        IngestPipeline ingest = new IngestPipeline(new ImagePipeline(), embedder, 1)) {
      ImageIndex index = failingCommit(lucene, failNext);
      ImageEdits edits = new ImageEdits(index, ingest, uploads);
      edits.add(png, "first", "kept/first.png");
      failNext.set(true);
      byte[] other =
          Files.readAllBytes(TestLibrary.image(tmp.resolve("src/b.png"), 8, 96, 64, "png"));
      IOException e =
          assertThrows(
              IOException.class, () -> edits.add(other, "second", "new/folder/second.png"));
      assertEquals("disk full", e.getMessage());
      assertEquals(List.of("", "kept", "kept/first.png"), stored());
      byte[] third =
          Files.readAllBytes(TestLibrary.image(tmp.resolve("src/c.png"), 9, 96, 64, "png"));
      edits.add(third, "third", "kept/third.png");
      index.refresh();
      try (ImageIndex.Snapshot s = index.snapshot()) {
        assertEquals(2, s.count());
        assertTrue(
            s.get(
                    ImageRecord.idFor(
                        uploads
                            .resolve("new/folder/second.png")
                            .toAbsolutePath()
                            .normalize()
                            .toString()))
                .isEmpty());
      }
    }
  }

  /**
   * Removing takes the image out of the index (committed) and leaves its file; an unknown id
   * changes nothing.
   */
  @Test
  void removeIsCommittedAndLeavesTheFile() throws Exception {
    try (ImageIndex index =
            LuceneIndex.openWritable(tmp.resolve("index"), embedder.info(), IndexConfig.DEFAULT);
        IngestPipeline ingest = new IngestPipeline(new ImagePipeline(), embedder, 1)) {
      ImageEdits edits = new ImageEdits(index, ingest, uploads);
      ImageRecord added = edits.add(png, "upload", null).record();
      assertTrue(edits.remove("no-such-id").isEmpty());
      assertEquals(added, edits.remove(added.id()).orElseThrow());
      assertEquals(0, index.count());
      assertTrue(Files.isRegularFile(Path.of(added.path())));
    }
  }
}
