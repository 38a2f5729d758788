package dss.index.solr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dss.image.ImagePipeline;
import dss.index.Hit;
import dss.index.ImageIndex;
import dss.index.ImageRecord;
import dss.index.IndexConfig;
import dss.index.KnnOptions;
import dss.index.lucene.LuceneIndex;
import dss.ingest.IngestPipeline;
import dss.ingest.LibraryIndexer;
import dss.ingest.TestLibrary;
import dss.model.Embedder;
import dss.search.DuplicateGroup;
import dss.search.SimilaritySearch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same image files indexed with the test model into the embedded index and into a 2-shard x
 * 2-replica collection of a 3-node SolrCloud: the indexer's summaries, every search by id (plain,
 * with a path prefix, with a distance cut-off), distances and whole-library duplicate groups are
 * the same. At this size both k-NN searches are exact (100 candidates per shard for 40 images).
 * Distances agree to 1e-5 (Solr's Lucene 9 and our Lucene 10 sum dot products in different orders);
 * results tied within that may come in either order.
 */
class SolrParityTest {
  static final float TOLERANCE = 1e-5f;

  @TempDir static Path tmp;
  static Path lib;
  static Embedder embedder;
  static IngestPipeline ingest;
  static ImageIndex lucene;
  static ImageIndex solr;
  static LibraryIndexer.Summary luceneFirst;
  static LibraryIndexer.Summary solrFirst;

  @BeforeAll
  static void indexBoth() throws Exception {
    lib = tmp.resolve("lib");
    for (int i = 0; i < 30; i++)
      TestLibrary.image(
          lib.resolve((i % 2 == 0 ? "a/" : "b/") + "p" + i + ".jpg"), i, 320, 240, "jpg");
    for (int i = 0;
        i < 5;
        i++) { // byte-identical copies: one vector, grouped whatever the threshold
      Files.createDirectories(lib.resolve("copies"));
      Files.copy(
          lib.resolve((i % 2 == 0 ? "a/" : "b/") + "p" + i + ".jpg"),
          lib.resolve("copies/c" + i + ".jpg"));
    }
    for (int i = 10; i < 15; i++) { // the same picture at another size and format: near-duplicates
      TestLibrary.image(lib.resolve("resized/r" + i + ".png"), i, 640, 480, "png");
    }
    embedder = TestLibrary.testModel();
    ingest = new IngestPipeline(new ImagePipeline(), embedder, 2);
    lucene = LuceneIndex.openWritable(tmp.resolve("lucene"), embedder.info(), IndexConfig.DEFAULT);
    solr =
        SolrIndex.openWritable(
            TestCluster.shared().location("parity"), embedder.info(), IndexConfig.DEFAULT, 2, 2);
    luceneFirst = run(lucene);
    solrFirst = run(solr);
  }

  @AfterAll
  static void close() throws Exception {
    try (var e = embedder;
        var i = ingest;
        var l = lucene;
        var s = solr) {
      // closed in reverse order
    }
  }

  static LibraryIndexer.Summary run(ImageIndex index) throws Exception {
    return new LibraryIndexer(index, ingest, LibraryIndexer.Options.defaults(List.of(lib)))
        .run(
            f -> {
              throw new AssertionError("failed: " + f);
            });
  }

  @Test
  void theIndexerDoesTheSameOnBoth() throws Exception {
    assertEquals(40, luceneFirst.added());
    assertEquals(summary(luceneFirst), summary(solrFirst));
    assertEquals(lucene.count(), solr.count());
    SolrIndex.Status status = SolrIndex.status(solr.location());
    assertEquals(2, status.shards());
    assertEquals(2, status.replicationFactor());
    assertEquals(3, status.liveNodes().size());

    // The same records (but indexed_at, the time each was written)
    try (ImageIndex.Snapshot l = lucene.snapshot();
        ImageIndex.Snapshot s = solr.snapshot()) {
      assertEquals(l.count(), s.items());
      for (int item = 0; item < s.items(); item++) {
        ImageRecord r = s.record(item);
        ImageRecord expected = l.get(r.id()).orElseThrow();
        assertEquals(withoutTime(expected), withoutTime(r));
        assertEquals(List.of(), diff(l.vector(r.id()).orElseThrow(), s.vector(item)), r.path());
      }
    }
  }

  @Test
  void searchesByIdGiveTheSameHitsAndDistances() throws Exception {
    SimilaritySearch onLucene = new SimilaritySearch(lucene, null);
    SimilaritySearch onSolr = new SimilaritySearch(solr, null);
    String prefix = lib.resolve("b").toString() + "/";
    try (ImageIndex.Snapshot l = lucene.snapshot()) {
      for (int item = 0; item < l.items(); item++) {
        String id = l.record(item).id();
        for (KnnOptions q :
            List.of(
                new KnnOptions(8, null, null, KnnOptions.DEFAULT_CANDIDATES),
                new KnnOptions(5, null, prefix, KnnOptions.DEFAULT_CANDIDATES),
                new KnnOptions(40, 0.2f, null, KnnOptions.DEFAULT_CANDIDATES))) {
          assertSameHits(
              onLucene.byId(id, q).hits(),
              onSolr.byId(id, q).hits(),
              l.record(item).path() + " " + q);
        }
      }
    }
  }

  @Test
  void duplicateGroupsAreTheSame() throws Exception {
    for (float threshold : new float[] {0.02f, 0.1f, 0.3f}) {
      List<DuplicateGroup> expected = new SimilaritySearch(lucene, null).duplicateGroups(threshold);
      List<DuplicateGroup> actual = new SimilaritySearch(solr, null).duplicateGroups(threshold);
      assertFalse(expected.isEmpty(), "the library has duplicates at " + threshold);
      assertEquals(groups(expected), groups(actual), "groups at " + threshold);
      assertEquals(distances(expected).keySet(), distances(actual).keySet());
      distances(expected)
          .forEach((path, d) -> assertEquals(d, distances(actual).get(path), TOLERANCE, path));
    }
  }

  @Test
  void incrementalRunsAgree() throws Exception {
    Path gone = lib.resolve("a/p2.jpg");
    Path added = lib.resolve("a/new.png");
    Files.delete(gone);
    TestLibrary.image(added, 99, 200, 100, "png");
    try {
      LibraryIndexer.Summary l = run(lucene);
      LibraryIndexer.Summary s = run(solr);
      assertEquals(summary(l), summary(s));
      assertEquals(1, s.removed());
      assertEquals(1, s.added());
      assertEquals(39, s.unchanged());
      assertEquals(lucene.count(), solr.count());
      assertTrue(solr.get(ImageRecord.idFor(gone.toString())).isEmpty());
    } finally { // back to the shared state of the other tests
      Files.delete(added);
      TestLibrary.image(gone, 2, 320, 240, "jpg");
      run(lucene);
      run(solr);
    }
  }

  static List<Long> summary(LibraryIndexer.Summary s) {
    return List.of(
        s.added(), s.updated(), s.unchanged(), s.removed(), s.failed(), s.reused(), s.embedded());
  }

  static ImageRecord withoutTime(ImageRecord r) {
    return new ImageRecord(
        r.id(), r.path(), r.hash(), r.size(), r.mtime(), r.width(), r.height(), r.format(), 0);
  }

  static List<Integer> diff(float[] a, float[] b) {
    List<Integer> differ = new java.util.ArrayList<>();
    for (int i = 0; i < Math.max(a.length, b.length); i++) {
      if (i >= a.length
          || i >= b.length
          || Float.floatToIntBits(a[i]) != Float.floatToIntBits(b[i])) differ.add(i);
    }
    return differ;
  }

  /**
   * Same distances rank by rank; the same images, except among those tied with the last (either may
   * be cut).
   */
  static void assertSameHits(List<Hit> expected, List<Hit> actual, String what) {
    assertEquals(expected.size(), actual.size(), what);
    for (int i = 0; i < expected.size(); i++) {
      assertEquals(
          expected.get(i).distance(), actual.get(i).distance(), TOLERANCE, what + " rank " + i);
    }
    if (expected.isEmpty()) return;
    float last = expected.get(expected.size() - 1).distance();
    assertEquals(paths(expected, last), paths(actual, last), what);
  }

  private static Set<String> paths(List<Hit> hits, float last) {
    Set<String> paths = new HashSet<>();
    for (Hit h : hits) if (h.distance() < last - TOLERANCE) paths.add(h.image().path());
    return paths;
  }

  /** Keeper path -> member paths. */
  static Map<String, Set<String>> groups(List<DuplicateGroup> groups) {
    Map<String, Set<String>> out = new TreeMap<>();
    for (DuplicateGroup g : groups) {
      out.put(
          g.keeper().path(),
          g.members().stream().map(h -> h.image().path()).collect(Collectors.toSet()));
    }
    return out;
  }

  static Map<String, Float> distances(List<DuplicateGroup> groups) {
    Map<String, Float> out = new TreeMap<>();
    for (DuplicateGroup g : groups)
      for (Hit h : g.members()) out.put(h.image().path(), h.distance());
    return out;
  }
}
