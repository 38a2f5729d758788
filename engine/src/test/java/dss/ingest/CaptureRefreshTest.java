package dss.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dss.index.ImageIndex;
import dss.index.ImageRecord;
import dss.index.IndexConfig;
import dss.index.lucene.LuceneIndex;
import dss.model.Embedder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The capture date and camera reach the index from real camera files, and an index whose records
 * predate those fields gets them on the next run without a model run: the vectors are the ones the
 * index held, bit for bit.
 */
class CaptureRefreshTest {
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

  private Path library() throws Exception {
    Path lib = tmp.resolve("lib");
    Files.createDirectories(lib);
    for (String f : List.of("Canon_40D.jpg", "IMG_5195.HEIC"))
      Files.copy(Path.of(getClass().getResource("/capture/" + f).toURI()), lib.resolve(f));
    TestLibrary.image(lib.resolve("drawn.png"), 7, 64, 48, "png"); // no EXIF
    return lib;
  }

  private static Map<String, ImageRecord> records(ImageIndex index) throws Exception {
    Map<String, ImageRecord> out = new HashMap<>();
    try (ImageIndex.Snapshot s = index.snapshot()) {
      for (int i = 0; i < s.items(); i++)
        if (s.live(i)) {
          ImageRecord r = s.record(i);
          out.put(Path.of(r.path()).getFileName().toString(), r);
        }
    }
    return out;
  }

  @Test
  void oldRecordsAreCompletedWithoutEmbedding() throws Exception {
    Path lib = library(), indexDir = tmp.resolve("index");
    List<Failure> failures = new ArrayList<>();
    LibraryIndexer.Summary first =
        TestLibrary.run(indexDir, embedder, TestLibrary.options(lib, 10), failures::add);
    assertEquals(3, first.embedded(), failures.toString());

    Map<String, float[]> vectors = new HashMap<>();
    try (ImageIndex index =
        LuceneIndex.openWritable(indexDir, embedder.info(), IndexConfig.DEFAULT)) {
      Map<String, ImageRecord> indexed = records(index);
      // values read from the files with Pillow and ImageMagick (see dss.image.CaptureTest)
      ImageRecord canon = indexed.get("Canon_40D.jpg");
      assertEquals("2008-05-30T15:56:01", canon.takenAt());
      assertEquals("Canon", canon.cameraMake());
      assertEquals("Canon EOS 40D", canon.cameraModel());
      assertEquals("2021-04-11T15:47:53-05:00", indexed.get("IMG_5195.HEIC").takenAt());
      assertEquals("iPhone 11 Pro Max", indexed.get("IMG_5195.HEIC").cameraModel());
      assertNull(indexed.get("drawn.png").takenAt());
      // the shape of an index written before the capture fields: version 1, none of them
      try (ImageIndex.Snapshot s = index.snapshot()) {
        for (ImageRecord r : indexed.values()) {
          float[] v = s.vector(r.id()).orElseThrow();
          vectors.put(r.id(), v);
          index.upsert(
              new ImageRecord(
                  r.id(),
                  r.path(),
                  r.hash(),
                  r.size(),
                  r.mtime(),
                  r.width(),
                  r.height(),
                  r.format(),
                  r.indexedAt(),
                  null,
                  null,
                  null,
                  1),
              v);
        }
      }
      index.commit();
      assertNull(records(index).get("Canon_40D.jpg").takenAt());
      assertEquals(1, records(index).get("Canon_40D.jpg").recordVersion());
    }

    LibraryIndexer.Summary second =
        TestLibrary.run(indexDir, embedder, TestLibrary.options(lib, 10), failures::add);
    assertEquals(0, second.embedded(), "no model run: " + second);
    assertEquals(3, second.unchanged(), second.toString());
    assertEquals(0, second.added() + second.updated() + second.failed(), second.toString());
    try (ImageIndex index =
        LuceneIndex.openWritable(indexDir, embedder.info(), IndexConfig.DEFAULT)) {
      Map<String, ImageRecord> refreshed = records(index);
      assertEquals("2008-05-30T15:56:01", refreshed.get("Canon_40D.jpg").takenAt());
      assertEquals("Canon EOS 40D", refreshed.get("Canon_40D.jpg").cameraModel());
      assertEquals("2021-04-11T15:47:53-05:00", refreshed.get("IMG_5195.HEIC").takenAt());
      assertEquals("Apple", refreshed.get("IMG_5195.HEIC").cameraMake());
      for (ImageRecord r : refreshed.values()) {
        assertEquals(ImageRecord.CURRENT_VERSION, r.recordVersion(), r.path());
        try (ImageIndex.Snapshot s = index.snapshot()) {
          assertArrayEquals(vectors.get(r.id()), s.vector(r.id()).orElseThrow(), r.path());
        }
      }
    }

    LibraryIndexer.Summary third =
        TestLibrary.run(indexDir, embedder, TestLibrary.options(lib, 10), failures::add);
    assertEquals(0, third.embedded() + third.reused(), "nothing left to refresh: " + third);
    assertEquals(List.of(), failures);
  }
}
