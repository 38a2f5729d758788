package dss.search;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dss.image.ImagePipeline;
import dss.index.Hit;
import dss.index.ImageRecord;
import dss.index.InMemoryIndex;
import dss.index.IndexConfig;
import dss.index.IndexMetadata;
import dss.index.KnnOptions;
import dss.ingest.Failure;
import dss.ingest.IngestPipeline;
import dss.ingest.LibraryIndexer;
import dss.ingest.TestLibrary;
import dss.model.Embedder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The query API end to end on the in-memory backend: real files through the real ingest pipeline
 * and test model. That the bulk indexer, the searches and dedup run unchanged on a second backend
 * is the point of the index seam.
 */
class SimilaritySearchTest {
  @TempDir static Path lib;
  static Embedder embedder;
  static IngestPipeline ingest;
  static InMemoryIndex index;
  static SimilaritySearch search;

  @BeforeAll
  static void indexALibrary() throws Exception {
    embedder = TestLibrary.testModel();
    ingest = new IngestPipeline(new ImagePipeline(), embedder, 2);
    index = new InMemoryIndex(new IndexMetadata(embedder.info(), IndexConfig.DEFAULT));
    for (int i = 0; i < 8; i++) TestLibrary.image(lib.resolve("p" + i + ".png"), i, 120, 90, "png");
    Files.copy(lib.resolve("p3.png"), lib.resolve("copy-of-p3.png"));
    List<Failure> failures = new ArrayList<>();
    LibraryIndexer.Summary s =
        new LibraryIndexer(index, ingest, LibraryIndexer.Options.defaults(List.of(lib)))
            .run(failures::add);
    assertEquals(9, s.added(), failures.toString());
    search = new SimilaritySearch(index, ingest);
  }

  @AfterAll
  static void close() {
    ingest.close();
    embedder.close();
  }

  static String id(String name) {
    return ImageRecord.idFor(lib.resolve(name).toAbsolutePath().toString());
  }

  @Test
  void aFileFindsItsIndexedSelfFirstWithTheSameVector() throws Exception {
    var result =
        search.byFile(
            lib.resolve("p5.png"), new KnnOptions(3, null, null, KnnOptions.DEFAULT_CANDIDATES));
    assertEquals(id("p5.png"), result.hits().get(0).image().id());
    assertEquals(0f, result.hits().get(0).distance(), 1e-6f);
    assertTrue(result.modelMs() > 0 && result.decodeMs() > 0, "timings of a model run: " + result);
    byte[] bytes = Files.readAllBytes(lib.resolve("p5.png"));
    assertArrayEquals(
        index.snapshot().vector(id("p5.png")).orElseThrow(),
        ingest.embed(bytes, "upload").vector(),
        1e-6f,
        "an upload and the indexed file get the same vector");
  }

  @Test
  void searchById() throws Exception {
    var result =
        search.byId(id("p2.png"), new KnnOptions(4, null, null, KnnOptions.DEFAULT_CANDIDATES));
    assertEquals(4, result.hits().size());
    assertEquals(id("p2.png"), result.hits().get(0).image().id());
    assertEquals(0, result.modelMs(), "no model run for a search by id");
    assertThrows(
        UnknownImageException.class, () -> search.byId("nope", new KnnOptions(4, null, null, 100)));
  }

  @Test
  void distanceIsOneMinusCosineClampedAtZero() throws Exception {
    byte[] a = Files.readAllBytes(lib.resolve("p1.png"));
    byte[] b = Files.readAllBytes(lib.resolve("p6.png"));
    float d = search.distance(a, "a", b, "b");
    assertEquals(d, search.distance(lib.resolve("p1.png"), lib.resolve("p6.png")), 1e-6f);
    assertTrue(d > 0.01f, "different pictures: " + d);
    float self = search.distance(a, "a", a, "a again");
    assertTrue(
        self >= 0f && self < 1e-6f, "the same image: 0 up to rounding, never negative: " + self);
  }

  @Test
  void nearDuplicatesAndCachedGroups() throws Exception {
    byte[] p3 = Files.readAllBytes(lib.resolve("p3.png"));
    List<Hit> near = search.nearDuplicates(p3, "p3", 0.0001f, 10);
    assertEquals(2, near.size(), "p3 and its copy: " + near);
    List<DuplicateGroup> groups = search.duplicateGroups(0.0001f);
    assertEquals(1, groups.size());
    assertEquals(2, groups.get(0).members().size());
    assertSame(groups, search.duplicateGroups(0.0001f), "cached while the index is unchanged");
    index.commit(); // a new version
    assertNotSame(groups, search.duplicateGroups(0.0001f));
  }
}
