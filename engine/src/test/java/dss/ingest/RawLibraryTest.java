package dss.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dss.image.RawFiles;
import dss.index.Hit;
import dss.index.ImageIndex;
import dss.index.ImageRecord;
import dss.index.lucene.LuceneIndex;
import dss.model.Embedder;
import dss.search.DuplicateFinder;
import dss.search.DuplicateGroup;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A photographer's folder: camera RAWs (built around real JPEGs, see {@link RawFiles}) next to the
 * JPEGs the camera wrote beside them, indexed with the real test model into a real index on disk.
 */
class RawLibraryTest {
  static Embedder embedder;

  @TempDir Path tmp;

  @BeforeAll
  static void openModel() throws Exception {
    embedder = TestLibrary.testModel();
  }

  @AfterAll
  static void closeModel() {
    embedder.close();
  }

  private static byte[] resource(String name) throws Exception {
    try (InputStream in = RawLibraryTest.class.getResourceAsStream("/images/" + name)) {
      return in.readAllBytes();
    }
  }

  @Test
  void aRawAndTheJpegBesideItAreNearDuplicatesAndABadRawIsReported() throws Exception {
    Path lib = tmp.resolve("lib");
    Files.createDirectories(lib);
    byte[] wide = resource("parity/wide-1600x900.jpg"), tall = resource("parity/tall-720x1280.jpg");
    byte[] thumb = resource("formats/baseline.jpg");
    Files.write(lib.resolve("DSC_0001.NEF"), RawFiles.nef(thumb, wide, 1));
    Files.write(lib.resolve("DSC_0001.JPG"), wide);
    Files.write(lib.resolve("IMG_0002.DNG"), RawFiles.dng(tall, 1));
    Files.write(lib.resolve("IMG_0002.JPG"), tall);
    for (int i = 0; i < 4; i++)
      TestLibrary.image(lib.resolve("other" + i + ".jpg"), 100 + i, 160, 120, "jpg");
    byte[] cut = RawFiles.cr2(wide, thumb, 1);
    Files.write(lib.resolve("IMG_0003.CR2"), Arrays.copyOf(cut, cut.length / 2));
    Files.write(
        lib.resolve("IMG_0004.DNG"),
        RawFiles.dng(RawFiles.losslessSensorData(), 1)); // no preview at all

    List<Failure> failures = new ArrayList<>();
    Path indexDir = tmp.resolve("index");
    LibraryIndexer.Summary s =
        TestLibrary.run(indexDir, embedder, TestLibrary.options(lib, 3), failures::add);
    assertEquals(8, s.added(), failures.toString());
    assertEquals(2, s.failed(), failures.toString());
    assertEquals(
        Set.of("IMG_0003.CR2", "IMG_0004.DNG"),
        failures.stream()
            .map(f -> Path.of(f.path()).getFileName().toString())
            .collect(Collectors.toSet()));
    for (Failure f : failures) {
      assertTrue(
          f.error()
              .contains(
                  f.path().endsWith("CR2")
                      ? "lies outside the file"
                      : "camera RAW without an embedded preview (LibRaw decoding not available)"),
          f.toString());
    }

    try (ImageIndex index = LuceneIndex.openReadOnly(indexDir);
        ImageIndex.Snapshot snapshot = index.snapshot()) {
      ImageRecord nef =
          snapshot
              .get(ImageRecord.idFor(lib.resolve("DSC_0001.NEF").toAbsolutePath().toString()))
              .orElseThrow();
      assertEquals("nef 1600x900", nef.format() + " " + nef.width() + "x" + nef.height());
      List<DuplicateGroup> groups =
          DuplicateFinder.find(snapshot, DuplicateFinder.DEFAULT_THRESHOLD);
      Set<Set<String>> found = new java.util.HashSet<>();
      for (DuplicateGroup g : groups) {
        Set<String> names = new java.util.TreeSet<>();
        names.add(Path.of(g.keeper().path()).getFileName().toString());
        for (Hit h : g.members()) {
          names.add(Path.of(h.image().path()).getFileName().toString());
          assertTrue(h.distance() < DuplicateFinder.DEFAULT_THRESHOLD, h.toString());
        }
        found.add(names);
      }
      assertEquals(
          Set.of(Set.of("DSC_0001.JPG", "DSC_0001.NEF"), Set.of("IMG_0002.DNG", "IMG_0002.JPG")),
          found,
          "each RAW grouped with its JPEG, and nothing else");
    }
  }
}
