package dss.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dss.image.ImagePipeline;
import dss.image.IsoBmffFiles;
import dss.index.ImageIndex;
import dss.index.ImageRecord;
import dss.index.IndexConfig;
import dss.index.lucene.LuceneIndex;
import dss.model.Embedder;
import dss.model.LazyEmbedder;
import dss.model.TestModels;
import dss.util.Sha256;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The incremental indexer on real files with the real test model and a real index on disk. */
class LibraryIndexerTest {
  static Embedder embedder;

  @TempDir Path tmp;
  Path lib;
  Path indexDir;
  List<Failure> failures = new ArrayList<>();

  @BeforeAll
  static void openModel() throws Exception {
    embedder = TestLibrary.testModel();
  }

  @AfterAll
  static void closeModel() {
    embedder.close();
  }

  @BeforeEach
  void library() throws Exception {
    lib = tmp.resolve("lib");
    indexDir = tmp.resolve("index");
    for (int i = 0; i < 6; i++)
      TestLibrary.image(lib.resolve("a/img" + i + ".png"), i, 96, 64, "png");
    for (int i = 6; i < 10; i++)
      TestLibrary.image(lib.resolve("b/img" + i + ".jpg"), i, 80, 120, "jpg");
  }

  LibraryIndexer.Summary run() throws Exception {
    return run(TestLibrary.options(lib, 3));
  }

  LibraryIndexer.Summary run(LibraryIndexer.Options options) throws Exception {
    return TestLibrary.run(indexDir, embedder, options, failures::add);
  }

  <T> T withSnapshot(Function<ImageIndex.Snapshot, T> f) throws Exception {
    try (ImageIndex index = LuceneIndex.openReadOnly(indexDir);
        ImageIndex.Snapshot s = index.snapshot()) {
      return f.apply(s);
    }
  }

  ImageRecord record(Path file) throws Exception {
    String id = ImageRecord.idFor(file.toAbsolutePath().toString());
    return withSnapshot(s -> io(() -> s.get(id).orElse(null)));
  }

  float[] vector(Path file) throws Exception {
    String id = ImageRecord.idFor(file.toAbsolutePath().toString());
    return withSnapshot(s -> io(() -> s.vector(id).orElse(null)));
  }

  long count() throws Exception {
    return withSnapshot(ImageIndex.Snapshot::count);
  }

  @Test
  void firstRunIndexesEverythingAndReRunSkipsUnchanged() throws Exception {
    LibraryIndexer.Summary first = run();
    assertEquals(10, first.added());
    assertEquals(10, first.embedded());
    assertEquals(0, first.failed(), failures.toString());
    assertEquals(10, count());
    ImageRecord r = record(lib.resolve("b/img7.jpg"));
    assertEquals("jpeg", r.format());
    assertEquals(80, r.width());
    assertEquals(120, r.height());
    assertEquals(Files.size(lib.resolve("b/img7.jpg")), r.size());
    assertEquals(Sha256.hex(Files.readAllBytes(lib.resolve("b/img7.jpg"))), r.hash());

    LibraryIndexer.Summary second = run();
    assertEquals(10, second.unchanged());
    assertEquals(0, second.added() + second.updated() + second.removed() + second.embedded());
    assertEquals(10, count());
  }

  @Test
  void anUnchangedReRunNeverOpensTheModel() throws Exception {
    run();
    // A fresh, lazily opened model for the re-run, as `dreamsim index` uses: nothing to embed, so
    // no session
    try (LazyEmbedder model = new LazyEmbedder(TestModels.testModel(), "cpu", 1, 4);
        ImageIndex index = LuceneIndex.openWritable(indexDir, model.info(), IndexConfig.DEFAULT);
        IngestPipeline ingest = new IngestPipeline(new ImagePipeline(), model, 2)) {
      LibraryIndexer.Summary again =
          new LibraryIndexer(index, ingest, TestLibrary.options(lib, 3)).run(failures::add);
      assertEquals(10, again.unchanged());
      assertFalse(model.opened(), "the model was opened for a run with nothing to embed");
      TestLibrary.image(lib.resolve("a/new.png"), 123, 64, 64, "png");
      LibraryIndexer.Summary withNew =
          new LibraryIndexer(index, ingest, TestLibrary.options(lib, 3)).run(failures::add);
      assertEquals(1, withNew.embedded());
      assertTrue(model.opened(), "and opened as soon as one file needs it");
    }
  }

  @Test
  void unchangedSizeAndTimeIsSkippedWithoutReading() throws Exception {
    run();
    Path file = lib.resolve("a/img2.png");
    ImageRecord before = record(file);
    FileTime mtime = Files.getLastModifiedTime(file);
    // Different content, same size and modification time: only a reader of the file could notice.
    byte[] other = Files.readAllBytes(lib.resolve("a/img3.png"));
    byte[] same = new byte[(int) Files.size(file)];
    System.arraycopy(other, 0, same, 0, Math.min(other.length, same.length));
    Files.write(file, same);
    Files.setLastModifiedTime(file, mtime);
    LibraryIndexer.Summary again = run();
    assertEquals(10, again.unchanged());
    assertEquals(before.hash(), record(file).hash());
  }

  @Test
  void modifiedFileIsReEmbedded() throws Exception {
    run();
    Path file = lib.resolve("a/img1.png");
    float[] before = vector(file);
    TestLibrary.image(file, 99, 96, 64, "png");
    Files.setLastModifiedTime(
        file, FileTime.fromMillis(Files.getLastModifiedTime(file).toMillis() + 5000));
    LibraryIndexer.Summary again = run();
    assertEquals(1, again.updated());
    assertEquals(1, again.embedded());
    assertEquals(9, again.unchanged());
    assertFalse(java.util.Arrays.equals(before, vector(file)));
  }

  @Test
  void renameAndCopyReuseTheStoredVectorWithoutTheModel() throws Exception {
    run();
    float[] v3 = vector(lib.resolve("a/img3.png"));
    float[] v8 = vector(lib.resolve("b/img8.jpg"));
    Files.move(lib.resolve("a/img3.png"), lib.resolve("a/renamed.png"));
    Files.copy(
        lib.resolve("b/img8.jpg"), lib.resolve("b/copy.jpg"), StandardCopyOption.COPY_ATTRIBUTES);
    // A closed model cannot run: any embedding attempt would fail the files.
    Embedder closed = TestLibrary.testModel();
    closed.close();
    LibraryIndexer.Summary again =
        TestLibrary.run(indexDir, closed, TestLibrary.options(lib, 3), failures::add);
    assertEquals(0, again.failed(), failures.toString());
    assertEquals(2, again.added());
    assertEquals(2, again.reused());
    assertEquals(0, again.embedded());
    assertEquals(1, again.removed());
    assertArrayEquals(v3, vector(lib.resolve("a/renamed.png")));
    assertArrayEquals(v8, vector(lib.resolve("b/copy.jpg")));
    assertEquals(null, record(lib.resolve("a/img3.png")));
    assertEquals(11, count());
  }

  @Test
  void vanishedFilesAreRemovedUnlessKept() throws Exception {
    run();
    Files.delete(lib.resolve("a/img0.png"));
    LibraryIndexer.Options keep =
        TestLibrary.options(List.of(lib), List.of(), List.of(), false, true, 3);
    assertEquals(0, run(keep).removed());
    assertEquals(10, count());
    assertEquals(1, run().removed());
    assertEquals(9, count());
    assertEquals(null, record(lib.resolve("a/img0.png")));
  }

  @Test
  void otherRootsAreLeftAlone() throws Exception {
    run();
    Path other = tmp.resolve("other");
    TestLibrary.image(other.resolve("x.png"), 50, 64, 64, "png");
    LibraryIndexer.Summary s = run(TestLibrary.options(other, 3));
    assertEquals(1, s.added());
    assertEquals(0, s.removed());
    assertEquals(11, count());
  }

  @Test
  void badFilesAreReportedAndTheRestIsIndexed() throws Exception {
    Files.write(
        lib.resolve("a/corrupt.jpg"),
        new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, 1, 2, 3, 4, 5});
    byte[] png = Files.readAllBytes(lib.resolve("a/img0.png"));
    Files.write(lib.resolve("a/truncated.png"), java.util.Arrays.copyOf(png, png.length / 3));
    Files.writeString(lib.resolve("a/text.jpg"), "this is not an image at all");
    Files.writeString(lib.resolve("a/notes.txt"), "not an image, not named like one: ignored");
    TestLibrary.image(lib.resolve("a/huge.png"), 77, 400, 300, "png");
    LibraryIndexer.Summary s;
    ImagePipeline small =
        new ImagePipeline(100_000); // the 400x300 picture is over this pixel budget
    s = TestLibrary.run(indexDir, embedder, small, 2, TestLibrary.options(lib, 3), failures::add);
    assertEquals(10, s.added());
    assertEquals(4, s.failed(), failures.toString());
    Map<String, String> reasons = new HashMap<>();
    for (Failure f : failures) reasons.put(Path.of(f.path()).getFileName().toString(), f.error());
    assertEquals(
        java.util.Set.of("corrupt.jpg", "truncated.png", "text.jpg", "huge.png"), reasons.keySet());
    assertTrue(reasons.get("text.jpg").contains("not an image"), reasons.toString());
    reasons.values().forEach(reason -> assertFalse(reason.isBlank()));
    assertEquals(10, count());
  }

  @Test
  void hiddenFoldersGlobsAndSymlinkLoops() throws Exception {
    TestLibrary.image(lib.resolve(".thumbnails/t.png"), 40, 64, 64, "png");
    TestLibrary.image(lib.resolve("a/.hidden.png"), 41, 64, 64, "png");
    Files.createSymbolicLink(lib.resolve("a/loop"), lib.resolve("a"));
    LibraryIndexer.Summary s = run();
    assertEquals(10, s.added(), "hidden files skipped, the loop not followed around");
    assertEquals(0, s.failed(), failures.toString());

    Path jpgOnly = tmp.resolve("index-jpg");
    LibraryIndexer.Options globs =
        TestLibrary.options(List.of(lib), List.of("*.jpg"), List.of("img9.*"), true, false, 3);
    LibraryIndexer.Summary filtered = TestLibrary.run(jpgOnly, embedder, globs, failures::add);
    assertEquals(3, filtered.added(), "img6-8.jpg: *.jpg included, img9 excluded");
  }

  @Test
  void brokenAndLoopingLinksNamedLikeImagesAreReported() throws Exception {
    Files.createSymbolicLink(lib.resolve("a/dangling.jpg"), lib.resolve("a/deleted-long-ago.jpg"));
    Files.createSymbolicLink(lib.resolve("a/self.jpg"), Path.of("self.jpg"));
    Files.createSymbolicLink(lib.resolve("a/ping.png"), Path.of("pong.png"));
    Files.createSymbolicLink(lib.resolve("a/pong.png"), Path.of("ping.png"));
    Files.createSymbolicLink(
        lib.resolve("a/notes.txt"), lib.resolve("a/gone.txt")); // not named like an image
    Files.createSymbolicLink(lib.resolve("a/good-link.png"), lib.resolve("a/img0.png"));
    LibraryIndexer.Summary s = run();
    Map<String, String> reasons = new HashMap<>();
    for (Failure f : failures) reasons.put(Path.of(f.path()).getFileName().toString(), f.error());
    assertEquals(
        java.util.Set.of("dangling.jpg", "self.jpg", "ping.png", "pong.png"),
        reasons.keySet(),
        failures.toString());
    assertEquals(4, s.failed());
    assertTrue(reasons.get("dangling.jpg").startsWith("broken symbolic link"), reasons.toString());
    assertTrue(
        reasons.get("dangling.jpg").contains("deleted-long-ago.jpg"),
        "names the missing target: " + reasons);
    assertTrue(reasons.get("self.jpg").startsWith("symbolic link loop"), reasons.toString());
    assertTrue(reasons.get("ping.png").startsWith("symbolic link loop"), reasons.toString());
    assertEquals(11, s.added(), "the ten files and the good link");
  }

  @Test
  void heicAndAvifHeadersAloneAreReportedAsBadImages() throws Exception {
    // minimal ISO-BMFF files: the file-type box is what identifies them, by content (renamed.jpg
    // too)
    Files.write(lib.resolve("a/IMG_0001.HEIC"), IsoBmffFiles.ftyp("heic", "mif1", "heic"));
    Files.write(lib.resolve("a/photo.avif"), IsoBmffFiles.ftyp("avif", "avif", "mif1", "miaf"));
    Files.write(lib.resolve("a/renamed.jpg"), IsoBmffFiles.ftyp("heic", "mif1", "heic"));
    Files.write(lib.resolve("a/clip.mp4"), IsoBmffFiles.ftyp("isom", "isom", "mp41"));
    LibraryIndexer.Summary s = run();
    Map<String, String> reasons = new HashMap<>();
    for (Failure f : failures) reasons.put(Path.of(f.path()).getFileName().toString(), f.error());
    assertEquals(
        java.util.Set.of("IMG_0001.HEIC", "renamed.jpg", "photo.avif"),
        reasons.keySet(),
        "the video is not an image: ignored");
    // "corrupt HEIC (libheif: ...)", or "HEIC needs libheif1: ..." where libheif is missing
    assertTrue(reasons.get("IMG_0001.HEIC").matches("(corrupt )?HEIC .*"), reasons.toString());
    assertTrue(reasons.get("renamed.jpg").matches("(corrupt )?HEIC .*"), reasons.toString());
    assertTrue(reasons.get("photo.avif").matches("(corrupt )?AVIF .*"), reasons.toString());
    assertEquals(3, s.failed());
    assertEquals(10, s.added());
  }

  private interface IoSupplier<T> {
    T get() throws Exception;
  }

  private static <T> T io(IoSupplier<T> s) {
    try {
      return s.get();
    } catch (Exception e) {
      throw new RuntimeException(e);
    }
  }
}
