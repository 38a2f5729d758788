package dss.index;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dss.model.ModelInfo;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * What every {@link ImageIndex} backend must do: a backend's test class extends this and says how
 * to open a new, empty, writable index (as Lucene's {@code BaseKnnVectorsFormatTestCase} does for
 * vectors formats). The embedded Lucene index, the in-memory test index and a SolrCloud collection
 * run it; a backend in another module can too, through the engine's test jar.
 */
public abstract class ImageIndexTestCase {
  protected static final int DIMS = 48;
  protected static final ModelInfo MODEL = new ModelInfo("contract", "contract", DIMS, "c0ntract");

  /**
   * A new, empty index for {@link #MODEL} with {@link IndexConfig#DEFAULT}, writable; {@code name}
   * is unique.
   */
  protected abstract ImageIndex open(String name) throws Exception;

  /**
   * The same index opened again (after {@code index} is closed): what was committed must be there.
   */
  protected abstract ImageIndex reopen(String name) throws Exception;

  protected static ImageRecord record(int i, String hash) {
    String path = "/lib/" + (i % 2 == 0 ? "even/" : "odd/") + i + ".jpg";
    return new ImageRecord(
        ImageRecord.idFor(path), path, hash, 100 + i, 1000 + i, 10 + i, 10, "jpeg", 0);
  }

  @Test
  void writesAreVisibleAfterCommitOnePerId() throws Exception {
    float[][] v = TestVectors.clustered(20, DIMS, 1);
    try (ImageIndex index = open("commit")) {
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

  @Test
  void checkReportsTheLastCommitHealthy() throws Exception {
    float[][] v = TestVectors.clustered(12, DIMS, 4);
    try (ImageIndex index = open("check")) {
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

  @Test
  void knnIsNearestFirstWithFiltersAndTheSameDistances() throws Exception {
    float[][] v = TestVectors.clustered(40, DIMS, 2);
    try (ImageIndex index = open("knn")) {
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
      assertTrue(
          index.knn(KnnQuery.of(v[6], 5).withMaxDistance(cut)).stream()
              .allMatch(h -> h.distance() <= cut));
    }
  }

  @Test
  void itemsCoverTheLiveDocumentsAndSameContentGroupsHashes() throws Exception {
    float[][] v = TestVectors.clustered(10, DIMS, 3);
    try (ImageIndex index = open("items")) {
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
   * The listing's three orders, page boundaries, the prefix filter and its total, on 30 images of
   * which pairs share a modification time (ties go by path) and one is deleted. Expected pages are
   * written out from the fixture.
   */
  @Test
  void listingPagesInEachOrderWithPrefixAndTotal() throws Exception {
    float[][] v = TestVectors.clustered(30, DIMS, 5);
    try (ImageIndex index = open("listing")) {
      for (int i = 0; i < 30; i++) {
        String path =
            "/lib/" + (i % 3 == 0 ? "a/" : "b/") + String.format(Locale.ROOT, "%02d", i) + ".jpg";
        long mtime = 5_000 + (i / 2) * 10; // 0 and 1 share a time, 2 and 3, ...
        index.upsert(
            new ImageRecord(ImageRecord.idFor(path), path, "h" + i, 100, mtime, 10, 10, "jpeg", 0),
            v[i]);
      }
      index.delete(ImageRecord.idFor("/lib/b/29.jpg"));
      index.commit();
      try (ImageIndex.Snapshot s = index.snapshot()) {
        Listing newest = s.list(new ListingQuery(ListingQuery.Order.NEWEST, null, 0, 4));
        assertEquals(29, newest.total());
        // 29 is gone: 28 is alone at the newest time; then 26 and 27 tie, and ties go by path (a/
        // before b/)
        assertEquals(
            List.of("/lib/b/28.jpg", "/lib/a/27.jpg", "/lib/b/26.jpg", "/lib/a/24.jpg"),
            paths(newest));
        // a/00 b/01 | a/03 b/02 | b/04 b/05 ...: from the third, three
        Listing oldest = s.list(new ListingQuery(ListingQuery.Order.OLDEST, null, 2, 3));
        assertEquals(List.of("/lib/a/03.jpg", "/lib/b/02.jpg", "/lib/b/04.jpg"), paths(oldest));
        Listing byPath = s.list(new ListingQuery(ListingQuery.Order.PATH, "/lib/a/", 8, 60));
        assertEquals(10, byPath.total()); // 0, 3, ..., 27
        assertEquals(List.of("/lib/a/24.jpg", "/lib/a/27.jpg"), paths(byPath));
        Listing beyond = s.list(new ListingQuery(ListingQuery.Order.PATH, null, 100, 10));
        assertEquals(29, beyond.total());
        assertTrue(beyond.images().isEmpty());
        ImageRecord first =
            s.list(new ListingQuery(ListingQuery.Order.PATH, null, 0, 1)).images().get(0);
        assertEquals(
            new ImageRecord(
                ImageRecord.idFor("/lib/a/00.jpg"),
                "/lib/a/00.jpg",
                "h0",
                100,
                5_000,
                10,
                10,
                "jpeg",
                0),
            first,
            "the listed record is the whole stored record");
      }
    }
  }

  /**
   * The capture-date orders: dated images by their date (an offset makes it an instant: 10:00+02:00
   * is before 10:00 read as UTC), equal dates by file date, undated images after all dated ones by
   * file date, ties by path; the same pages by offset (front and back half) and by cursor. The
   * listed record carries the capture fields as stored.
   */
  @Test
  void listingByCaptureDate() throws Exception {
    float[][] v = TestVectors.clustered(8, DIMS, 9);
    String[][] files = { // name, taken_at, mtime
      {"d1", "2020-01-01T10:00:00", "100"},
      {"d2", "2020-01-01T10:00:00+02:00", "900"},
      {"d3", "2021-06-01T00:00:00", "50"},
      {"d4", "2021-06-01T00:00:00", "60"},
      {"d5", "1999-12-31T23:59:59", "5000"},
      {"u1", null, "1000"},
      {"u2", null, "10"},
      {"u3", null, "10"},
    };
    try (ImageIndex index = open("taken")) {
      for (int i = 0; i < files.length; i++) {
        String path = "/lib/" + files[i][0] + ".jpg";
        index.upsert(
            new ImageRecord(
                ImageRecord.idFor(path),
                path,
                "h" + i,
                100,
                Long.parseLong(files[i][2]),
                10,
                10,
                "jpeg",
                0,
                files[i][1],
                files[i][1] == null ? null : "Make " + i,
                files[i][1] == null ? null : "Model " + i,
                ImageRecord.CURRENT_VERSION),
            v[i]);
      }
      index.commit();
      List<String> taken = List.of("d4", "d3", "d1", "d2", "d5", "u1", "u2", "u3");
      List<String> oldest = List.of("d5", "d2", "d1", "d3", "d4", "u2", "u3", "u1");
      try (ImageIndex.Snapshot s = index.snapshot()) {
        for (ListingQuery.Order order :
            List.of(ListingQuery.Order.TAKEN, ListingQuery.Order.TAKEN_OLDEST)) {
          List<String> expected = order == ListingQuery.Order.TAKEN ? taken : oldest;
          Listing all = s.list(new ListingQuery(order, null, 0, 20));
          assertEquals(8, all.total());
          assertEquals(expected, names(all), order.label());
          assertEquals(expected.subList(1, 4), names(s.list(new ListingQuery(order, null, 1, 3))));
          assertEquals(expected.subList(5, 8), names(s.list(new ListingQuery(order, null, 5, 3))));
          List<String> byCursor = new ArrayList<>();
          ListingQuery.Cursor after = null;
          do {
            Listing page = s.list(ListingQuery.after(order, null, after, 3));
            assertEquals(8, page.total());
            byCursor.addAll(names(page));
            after = page.next();
            if (after != null) after = ListingQuery.Cursor.parse(after.token()); // as a client
          } while (after != null);
          assertEquals(expected, byCursor, order.label() + " by cursor");
        }
        ImageRecord d2 =
            s.list(new ListingQuery(ListingQuery.Order.TAKEN, null, 3, 1)).images().get(0);
        assertEquals("2020-01-01T10:00:00+02:00", d2.takenAt());
        assertEquals("Make 1", d2.cameraMake());
        assertEquals("Model 1", d2.cameraModel());
        ImageRecord u1 =
            s.list(new ListingQuery(ListingQuery.Order.TAKEN, null, 5, 1)).images().get(0);
        assertEquals(null, u1.takenAt());
        assertEquals(null, u1.cameraMake());
        assertEquals(ImageRecord.CURRENT_VERSION, u1.recordVersion());
      }
    }
  }

  private static List<String> names(Listing listing) {
    List<String> out = new ArrayList<>();
    for (ImageRecord r : listing.images())
      out.add(r.path().substring("/lib/".length(), r.path().length() - ".jpg".length()));
    return out;
  }

  /**
   * Whether the backend's search is approximate (a graph): then few candidates can miss true
   * neighbours.
   */
  protected boolean approximate() {
    return true;
  }

  /**
   * The one order of hits ({@link HitOrder}): nearer first, at equal distance the query's own
   * image, then by id. Three byte-identical copies (equal vectors) are written largest id first,
   * the query's own copy last, so neither the order of writing nor of internal numbers gives the
   * right answer by chance.
   */
  @Test
  void hitsHaveOneTotalOrderAlsoAmongByteIdenticalCopies() throws Exception {
    float[][] v = TestVectors.clustered(30, DIMS, 6);
    List<ImageRecord> copies = new ArrayList<>();
    for (String name : List.of("a", "b", "c")) {
      String path = "/lib/copies/" + name + ".jpg";
      copies.add(
          new ImageRecord(ImageRecord.idFor(path), path, "same", 100, 1000, 10, 10, "jpeg", 0));
    }
    copies.sort(java.util.Comparator.comparing(ImageRecord::id));
    ImageRecord smallest = copies.get(0), own = copies.get(1), largest = copies.get(2);
    try (ImageIndex index = open("order")) {
      for (int i = 0; i < 30; i++) index.upsert(record(i, "h" + i), v[i]);
      for (ImageRecord copy : List.of(largest, smallest, own)) index.upsert(copy, v[7]);
      index.commit();
      for (int k : new int[] {1, 2, 3, 6}) {
        List<Hit> byId = index.knn(new KnnQuery(v[7], own.id(), KnnOptions.of(k)));
        List<String> expected =
            new ArrayList<>(List.of(smallest.id(), largest.id(), record(7, "").id()));
        expected.sort(null); // v[7]'s own record ties with the copies too
        expected.add(0, own.id());
        assertEquals(
            expected.subList(0, Math.min(k, 4)),
            ids(byId).subList(0, Math.min(k, 4)),
            "the image itself first, then its copies by id (k=" + k + ")");
        List<Hit> upload = index.knn(new KnnQuery(v[7], null, KnnOptions.of(k)));
        List<String> byIdOnly = List.of(smallest.id(), own.id(), largest.id(), record(7, "").id());
        List<String> sortedTies = new ArrayList<>(byIdOnly.subList(0, 4));
        sortedTies.sort(null); // v[7] itself is also at distance 0: all four tie
        assertEquals(
            sortedTies.subList(0, Math.min(k, 4)),
            ids(upload).subList(0, Math.min(k, 4)),
            "an outside image: ties by id (k=" + k + ")");
        for (int i = 1; i < upload.size(); i++) {
          assertTrue(
              upload.get(i - 1).distance() <= upload.get(i).distance(), "nearest first: " + upload);
        }
      }
      // the own image is first also when a path filter leaves only copies elsewhere out
      List<Hit> filtered =
          index.knn(new KnnQuery(v[7], own.id(), KnnOptions.of(2).withPathPrefix("/lib/copies/")));
      assertEquals(List.of(own.id(), smallest.id()), ids(filtered));
    }
  }

  /**
   * {@code candidates} reach the backend's search: on an index large enough that collecting only k
   * candidates misses true neighbours, collecting many finds them all (checked against brute force
   * over the test's own vectors).
   */
  @Test
  void nearestHonoursTheCandidatesAsked() throws Exception {
    int n = 3000;
    float[][] v = TestVectors.uniform(n, DIMS, 7);
    try (ImageIndex index = open("candidates")) {
      for (int i = 0; i < n; i++) index.upsert(record(i, "h" + i), v[i]);
      index.commit();
      try (ImageIndex.Snapshot s = index.snapshot()) {
        java.util.Map<String, Integer> itemOf = new java.util.HashMap<>();
        for (int item = 0; item < s.items(); item++)
          if (s.live(item)) itemOf.put(s.record(item).id(), item);
        int foundFew = 0, foundMany = 0, wanted = 0;
        for (int k :
            new int[] {
              1, 10
            }) { // a greedy search (k = 1) and a wider one: graphs miss at one or both
          for (int q = 0; q < 40; q++) {
            float[] query = v[q * 73 % n];
            Set<Integer> exact = new HashSet<>();
            for (int i : TestVectors.exactTopK(v, query, k))
              exact.add(itemOf.get(record(i, "").id()));
            wanted += k;
            for (int item : s.nearest(query, k, k).items()) if (exact.contains(item)) foundFew++;
            for (int item : s.nearest(query, k, n).items()) if (exact.contains(item)) foundMany++;
          }
        }
        assertEquals(
            wanted, foundMany, "with as many candidates as images every true neighbour is found");
        if (approximate()) {
          assertTrue(
              foundFew < wanted,
              "the fixture is hard enough that k candidates miss some: " + foundFew);
        }
      }
    }
  }

  /**
   * What was written survives closing (which commits what is pending) and opening again: records,
   * vectors, and searches over them.
   */
  @Test
  void committedRecordsAndVectorsAreReadBackAfterReopening() throws Exception {
    float[][] v = TestVectors.clustered(25, DIMS, 8);
    try (ImageIndex index = open("reopen")) {
      for (int i = 0; i < 25; i++) index.upsert(record(i, "h" + i), v[i]);
      index.commit();
      index.upsert(record(25, "h25"), v[0]);
      index.delete(record(24, "").id());
    } // closing commits what is pending
    try (ImageIndex index = reopen("reopen")) {
      assertEquals(25, index.count());
      try (ImageIndex.Snapshot s = index.snapshot()) {
        for (int i = 0; i < 24; i++) {
          assertEquals(record(i, "h" + i), s.get(record(i, "").id()).orElseThrow());
          assertArrayEquals(v[i], s.vector(record(i, "").id()).orElseThrow());
        }
        assertTrue(s.get(record(24, "").id()).isEmpty(), "the delete made before closing holds");
        assertArrayEquals(
            v[0],
            s.vector(record(25, "").id()).orElseThrow(),
            "the write made before closing holds");
      }
      List<Hit> hits = index.knn(new KnnQuery(v[11], record(11, "").id(), KnnOptions.of(3)));
      assertEquals(record(11, "h11"), hits.get(0).image());
      assertEquals(0f, hits.get(0).distance(), 1e-5f);
    }
  }

  private static List<String> ids(List<Hit> hits) {
    return hits.stream().map(h -> h.image().id()).toList();
  }

  /**
   * Paging by cursor: from the first page, each page's {@code next} gives the following one, in
   * every order and with the prefix filter; the pages put together are the whole order (expected
   * from the fixture, ties by path), the total is the filter's total on every page, and the last
   * page has no {@code next}. An offset page gives the cursor of the page after it too, and a
   * cursor survives its text form.
   */
  @Test
  void listingPagesByCursorCoverEveryOrderOnce() throws Exception {
    float[][] v = TestVectors.clustered(23, DIMS, 9);
    List<ImageRecord> records = new java.util.ArrayList<>();
    try (ImageIndex index = open("cursor")) {
      for (int i = 0; i < 23; i++) {
        String path =
            "/lib/"
                + (i % 3 == 0 ? "a/" : "b/")
                + "x\"y "
                + String.format(java.util.Locale.ROOT, "%02d", 22 - i)
                + ".jpg";
        ImageRecord r =
            new ImageRecord(
                ImageRecord.idFor(path), path, "h" + i, 100, -50 + (i / 3) * 10, 10, 10, "jpeg", 0);
        records.add(r);
        index.upsert(r, v[i]);
      }
      index.commit();
      java.util.Map<ListingQuery.Order, java.util.Comparator<ImageRecord>> orders =
          ExpectedOrders.byFileDateAndPath();
      try (ImageIndex.Snapshot s = index.snapshot()) {
        for (var order : orders.entrySet()) {
          for (String prefix : new String[] {null, "/lib/b/"}) {
            List<String> expected =
                records.stream()
                    .filter(r -> prefix == null || r.path().startsWith(prefix))
                    .sorted(order.getValue())
                    .map(ImageRecord::path)
                    .toList();
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
            assertEquals(
                expected.get(7), second.next().path(), "an offset page's cursor is its last image");
          }
        }
      }
    }
  }

  /**
   * Every backend finds an image's near copy among its neighbours ({@link
   * ImageIndex.Snapshot#neighboursOf}).
   */
  @Test
  void neighboursOfAnItemWithinADistance() throws Exception {
    float[][] v = TestVectors.clustered(40, DIMS, 13);
    float[] copy = v[17].clone();
    copy[0] += 0.05f;
    TestVectors.normalize(copy);
    try (ImageIndex index = open("neighbours")) {
      for (int i = 0; i < v.length; i++) index.upsert(record(i, "h" + i), v[i]);
      index.upsert(record(99, "h99"), copy);
      index.commit();
      try (ImageIndex.Snapshot s = index.snapshot()) {
        int item = -1;
        for (int i = 0; i < s.items(); i++)
          if (s.live(i) && s.record(i).path().equals("/lib/odd/17.jpg")) item = i;
        float d = 1f - TestVectors.dot(v[17], copy);
        ImageIndex.Neighbours n = s.neighboursOf(item, d + 0.001f);
        assertEquals(
            List.of("/lib/odd/99.jpg"),
            java.util.Arrays.stream(n.items())
                .mapToObj(
                    i -> {
                      try {
                        return s.record(i).path();
                      } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                      }
                    })
                .toList());
        assertEquals(d, n.distances()[0], 1e-3f);
      }
    }
  }

  private static List<String> paths(Listing listing) {
    return listing.images().stream().map(ImageRecord::path).toList();
  }
}
