package dss.index;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dss.index.lucene.LuceneIndex;
import dss.index.solr.SolrIndex;
import dss.index.solr.TestCluster;
import dss.model.ModelInfo;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What every {@link ImageIndex} backend must do, checked on each: the embedded Lucene index, the in-memory one, and a
 * 2-shard SolrCloud collection on the shared local test cluster ({@link TestCluster}).
 */
class ImageIndexContractTest {
  static final int DIMS = 48;
  static final ModelInfo MODEL = new ModelInfo("contract", "contract", DIMS, "c0ntract");

  @TempDir static Path tmp;

  interface Backend {
    ImageIndex open(String name) throws Exception;
  }

  static Stream<Backend> backends() {
    return Stream.of(
        name -> LuceneIndex.openWritable(tmp.resolve(name + "-lucene"), MODEL, IndexConfig.DEFAULT),
        name -> new InMemoryIndex(new IndexMetadata(MODEL, IndexConfig.DEFAULT)),
        name -> SolrIndex.openWritable(TestCluster.shared().location("contract-" + name), MODEL,
            IndexConfig.DEFAULT, 2, 1));
  }

  static ImageRecord record(int i, String hash) {
    String path = "/lib/" + (i % 2 == 0 ? "even/" : "odd/") + i + ".jpg";
    return new ImageRecord(ImageRecord.idFor(path), path, hash, 100 + i, 1000 + i, 10 + i, 10, "jpeg", 0);
  }

  @ParameterizedTest @MethodSource("backends")
  void writesAreVisibleAfterCommitOnePerId(Backend backend) throws Exception {
    float[][] v = TestVectors.clustered(20, DIMS, 1);
    try (ImageIndex index = backend.open("commit")) {
      for (int i = 0; i < 20; i++) index.upsert(record(i, "h" + i), v[i]);
      index.upsert(record(3, "h3"), v[4]); // replaces
      index.delete(record(5, "h5").id());
      assertEquals(0, index.count(), "uncommitted writes are invisible");
      index.commit();
      assertEquals(19, index.count());
      try (ImageIndex.Snapshot s = index.snapshot()) {
        assertArrayEquals(v[4], s.vector(record(3, "").id()).orElseThrow());
        assertTrue(s.get(record(5, "").id()).isEmpty());
        assertEquals(record(7, "h7"), s.firstWithHash("h7").orElseThrow());
      }
    }
  }

  @ParameterizedTest @MethodSource("backends")
  void checkReportsTheLastCommitHealthy(Backend backend) throws Exception {
    float[][] v = TestVectors.clustered(12, DIMS, 4);
    try (ImageIndex index = backend.open("check")) {
      for (int i = 0; i < 12; i++) index.upsert(record(i, "h" + i), v[i]);
      index.commit();
      index.upsert(record(12, "h12"), v[0]); // not committed: not part of the check
      for (boolean full : new boolean[] {false, true}) {
        IndexCheck check = index.check(full);
        assertTrue(check.healthy(), check.toString());
        assertEquals(full ? "full" : "fast", check.level());
        assertEquals(12L, check.documents());
        assertEquals(MODEL, check.model());
        assertEquals(index.location(), check.index());
        assertTrue(check.damage().isEmpty() && check.recovery() == null, check.toString());
      }
    }
  }

  @ParameterizedTest @MethodSource("backends")
  void knnIsNearestFirstWithFiltersAndTheSameDistances(Backend backend) throws Exception {
    float[][] v = TestVectors.clustered(40, DIMS, 2);
    try (ImageIndex index = backend.open("knn")) {
      for (int i = 0; i < 40; i++) index.upsert(record(i, "h" + i), v[i]);
      index.commit();
      List<Hit> hits = index.knn(KnnQuery.of(v[6], 5));
      assertEquals(record(6, "h6"), hits.get(0).image());
      assertEquals(0f, hits.get(0).distance(), 1e-5f);
      for (Hit h : hits) {
        int i = Integer.parseInt(h.image().path().replaceAll("\\D", ""));
        assertEquals(1 - TestVectors.dot(v[6], v[i]), h.distance(), 1e-4f);
      }
      List<Hit> odd = index.knn(KnnQuery.of(v[6], 5).withPathPrefix("/lib/odd/"));
      assertEquals(5, odd.size());
      assertTrue(odd.stream().allMatch(h -> h.image().path().startsWith("/lib/odd/")));
      float cut = hits.get(1).distance();
      assertTrue(index.knn(KnnQuery.of(v[6], 5).withMaxDistance(cut)).stream().allMatch(h -> h.distance() <= cut));
    }
  }

  @ParameterizedTest @MethodSource("backends")
  void itemsCoverTheLiveDocumentsAndSameContentGroupsHashes(Backend backend) throws Exception {
    float[][] v = TestVectors.clustered(10, DIMS, 3);
    try (ImageIndex index = backend.open("items")) {
      for (int i = 0; i < 10; i++) index.upsert(record(i, i < 3 ? "same" : "h" + i), v[i]);
      index.commit();
      try (ImageIndex.Snapshot s = index.snapshot()) {
        int live = 0;
        for (int item = 0; item < s.items(); item++) {
          if (!s.live(item)) continue;
          live++;
          ImageRecord r = s.record(item);
          int i = Integer.parseInt(r.path().replaceAll("\\D", ""));
          assertArrayEquals(v[i], s.vector(item));
        }
        assertEquals(10, live);
        assertEquals(1, s.sameContent().size());
        assertEquals(3, s.sameContent().get(0).length);
        ImageIndex.Neighbours n = s.nearest(v[8], 3);
        assertEquals("/lib/even/8.jpg", s.record(n.items()[0]).path());
      }
    }
  }

  /**
   * The listing's three orders, page boundaries, the prefix filter and its total, on 30 images of which pairs share a
   * modification time (ties go by path) and one is deleted. Expected pages are written out from the fixture.
   */
  @ParameterizedTest @MethodSource("backends")
  void listingPagesInEachOrderWithPrefixAndTotal(Backend backend) throws Exception {
    float[][] v = TestVectors.clustered(30, DIMS, 5);
    try (ImageIndex index = backend.open("listing")) {
      for (int i = 0; i < 30; i++) {
        String path = "/lib/" + (i % 3 == 0 ? "a/" : "b/") + String.format("%02d", i) + ".jpg";
        long mtime = 5_000 + (i / 2) * 10; // 0 and 1 share a time, 2 and 3, ...
        index.upsert(new ImageRecord(ImageRecord.idFor(path), path, "h" + i, 100, mtime, 10, 10, "jpeg", 0), v[i]);
      }
      index.delete(ImageRecord.idFor("/lib/b/29.jpg"));
      index.commit();
      try (ImageIndex.Snapshot s = index.snapshot()) {
        Listing newest = s.list(new ListingQuery(ListingQuery.Order.NEWEST, null, 0, 4));
        assertEquals(29, newest.total());
        // 29 is gone: 28 is alone at the newest time; then 26 and 27 tie, and ties go by path (a/ before b/)
        assertEquals(List.of("/lib/b/28.jpg", "/lib/a/27.jpg", "/lib/b/26.jpg", "/lib/a/24.jpg"), paths(newest));
        // a/00 b/01 | a/03 b/02 | b/04 b/05 ...: from the third, three
        Listing oldest = s.list(new ListingQuery(ListingQuery.Order.OLDEST, null, 2, 3));
        assertEquals(List.of("/lib/a/03.jpg", "/lib/b/02.jpg", "/lib/b/04.jpg"), paths(oldest));
        Listing byPath = s.list(new ListingQuery(ListingQuery.Order.PATH, "/lib/a/", 8, 60));
        assertEquals(10, byPath.total()); // 0, 3, ..., 27
        assertEquals(List.of("/lib/a/24.jpg", "/lib/a/27.jpg"), paths(byPath));
        Listing beyond = s.list(new ListingQuery(ListingQuery.Order.PATH, null, 100, 10));
        assertEquals(29, beyond.total());
        assertTrue(beyond.images().isEmpty());
        ImageRecord first = s.list(new ListingQuery(ListingQuery.Order.PATH, null, 0, 1)).images().get(0);
        assertEquals(new ImageRecord(ImageRecord.idFor("/lib/a/00.jpg"), "/lib/a/00.jpg", "h0", 100, 5_000, 10, 10,
            "jpeg", 0), first, "the listed record is the whole stored record");
      }
    }
  }

  /**
   * Paging by cursor: from the first page, each page's {@code next} gives the following one, in every order and with
   * the prefix filter; the pages put together are the whole order (expected from the fixture, ties by path), the
   * total is the filter's total on every page, and the last page has no {@code next}. An offset page gives the cursor
   * of the page after it too, and a cursor survives its text form.
   */
  @ParameterizedTest @MethodSource("backends")
  void listingPagesByCursorCoverEveryOrderOnce(Backend backend) throws Exception {
    float[][] v = TestVectors.clustered(23, DIMS, 9);
    List<ImageRecord> records = new java.util.ArrayList<>();
    try (ImageIndex index = backend.open("cursor")) {
      for (int i = 0; i < 23; i++) {
        String path = "/lib/" + (i % 3 == 0 ? "a/" : "b/") + "x\"y " + String.format("%02d", 22 - i) + ".jpg";
        ImageRecord r = new ImageRecord(ImageRecord.idFor(path), path, "h" + i, 100, -50 + (i / 3) * 10, 10, 10, "jpeg", 0);
        records.add(r);
        index.upsert(r, v[i]);
      }
      index.commit();
      java.util.Comparator<ImageRecord> byPath = java.util.Comparator.comparing(ImageRecord::path);
      java.util.Map<ListingQuery.Order, java.util.Comparator<ImageRecord>> orders = java.util.Map.of(
          ListingQuery.Order.NEWEST, java.util.Comparator.comparingLong(ImageRecord::mtime).reversed().thenComparing(byPath),
          ListingQuery.Order.OLDEST, java.util.Comparator.comparingLong(ImageRecord::mtime).thenComparing(byPath),
          ListingQuery.Order.PATH, byPath);
      try (ImageIndex.Snapshot s = index.snapshot()) {
        for (var order : orders.entrySet()) {
          for (String prefix : new String[] {null, "/lib/b/"}) {
            List<String> expected = records.stream().filter(r -> prefix == null || r.path().startsWith(prefix))
                .sorted(order.getValue()).map(ImageRecord::path).toList();
            List<String> walked = new java.util.ArrayList<>();
            ListingQuery.Cursor cursor = null;
            int pages = 0;
            do {
              Listing page = s.list(ListingQuery.after(order.getKey(), prefix, cursor, 4));
              assertEquals(expected.size(), page.total(), order.getKey() + " " + prefix);
              walked.addAll(paths(page));
              cursor = page.next() == null ? null : ListingQuery.Cursor.parse(page.next().token());
              pages++;
            } while (cursor != null && pages < 20);
            assertEquals(expected, walked, order.getKey() + " " + prefix);
            assertEquals((expected.size() + 3) / 4, pages, "no empty last page");
            Listing second = s.list(new ListingQuery(order.getKey(), prefix, 4, 4));
            assertEquals(expected.get(7), second.next().path(), "an offset page's cursor is its last image");
          }
        }
      }
    }
  }

  /** Every backend finds an image's near copy among its neighbours ({@link ImageIndex.Snapshot#neighboursOf}). */
  @ParameterizedTest @MethodSource("backends")
  void neighboursOfAnItemWithinADistance(Backend backend) throws Exception {
    float[][] v = TestVectors.clustered(40, DIMS, 13);
    float[] copy = v[17].clone();
    copy[0] += 0.05f;
    TestVectors.normalize(copy);
    try (ImageIndex index = backend.open("neighbours")) {
      for (int i = 0; i < v.length; i++) index.upsert(record(i, "h" + i), v[i]);
      index.upsert(record(99, "h99"), copy);
      index.commit();
      try (ImageIndex.Snapshot s = index.snapshot()) {
        int item = -1;
        for (int i = 0; i < s.items(); i++) if (s.live(i) && s.record(i).path().equals("/lib/odd/17.jpg")) item = i;
        float d = 1f - TestVectors.dot(v[17], copy);
        ImageIndex.Neighbours n = s.neighboursOf(item, d + 0.001f);
        assertEquals(List.of("/lib/odd/99.jpg"), java.util.Arrays.stream(n.items()).mapToObj(i -> {
          try {
            return s.record(i).path();
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        }).toList());
        assertEquals(d, n.distances()[0], 1e-3f);
      }
    }
  }

  private static List<String> paths(Listing listing) {
    return listing.images().stream().map(ImageRecord::path).toList();
  }
}
