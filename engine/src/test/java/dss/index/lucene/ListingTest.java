package dss.index.lucene;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dss.index.ExpectedOrders;
import dss.index.ImageIndex;
import dss.index.ImageRecord;
import dss.index.IndexConfig;
import dss.index.Listing;
import dss.index.ListingQuery;
import dss.index.TestVectors;
import dss.model.ModelInfo;
import java.nio.file.Path;
import java.util.List;
import org.apache.lucene.document.Document;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The listing on an index whose older documents were written without the sort columns (as by a
 * version before the listing existed), mixed with new ones: still complete and in order (the
 * full-scan fallback). Sorting by the columns alone would put the old documents, which have the
 * newest dates here, last.
 */
class ListingTest {
  static final int DIMS = 16;
  static final ModelInfo MODEL = new ModelInfo("test-model", "test", DIMS, "c0ffee");

  @TempDir Path dir;

  static ImageRecord record(String path, long mtime) {
    return new ImageRecord(ImageRecord.idFor(path), path, "h" + path, 1, mtime, 1, 1, "png", 0);
  }

  /**
   * Every page of every order, at every offset: pages in the back half are read from the reversed
   * order, and must be exactly the slices of the order the test computes from the fixture (times
   * tie in threes, ties go by path).
   */
  @Test
  void everyPageIsTheSliceOfTheOrderFromEitherEnd() throws Exception {
    int n = 41;
    float[][] v = TestVectors.clustered(n, DIMS, 3);
    List<ImageRecord> records = new java.util.ArrayList<>();
    try (ImageIndex index = LuceneIndex.openWritable(dir, MODEL, IndexConfig.DEFAULT)) {
      for (int i = 0; i < n; i++) {
        ImageRecord r =
            record("/lib/" + (char) ('a' + i % 5) + "/" + (n - i) + ".jpg", 1_000 + (i / 3) * 7);
        records.add(r);
        index.upsert(r, v[i]);
      }
      index.commit();
      java.util.Map<ListingQuery.Order, java.util.Comparator<ImageRecord>> orders =
          ExpectedOrders.byFileDateAndPath();
      try (ImageIndex.Snapshot s = index.snapshot()) {
        for (var order : orders.entrySet()) {
          List<String> expected =
              records.stream().sorted(order.getValue()).map(ImageRecord::path).toList();
          for (int limit : new int[] {1, 7, 60}) {
            for (int offset = 0; offset <= n; offset++) {
              Listing page = s.list(new ListingQuery(order.getKey(), null, offset, limit));
              assertEquals(n, page.total());
              assertEquals(
                  expected.subList(offset, Math.min(n, offset + limit)),
                  page.images().stream().map(ImageRecord::path).toList(),
                  order.getKey() + " at " + offset);
            }
          }
        }
      }
    }
  }

  /**
   * A library of many segments, whose sorted pass is split across threads (slices of up to five
   * segments each): every order, paged by cursor from the first page to the end and by offset,
   * gives the order the test computes, each image once.
   */
  @Test
  void manySegmentsPagedByCursorGiveTheWholeOrder() throws Exception {
    int perSegment = 23;
    int segments = 6; // fewer than the merge policy merges at once: they stay six, two slices
    int n = perSegment * segments;
    float[][] v = TestVectors.clustered(n, DIMS, 3);
    List<ImageRecord> records = new java.util.ArrayList<>();
    try (ImageIndex index = LuceneIndex.openWritable(dir, MODEL, IndexConfig.DEFAULT)) {
      for (int i = 0; i < n; i++) {
        ImageRecord r =
            record(
                "/lib/" + (char) ('a' + i % 7) + "/" + (i * 37 % n) + ".jpg",
                5_000 - (i * 11 % 97));
        records.add(r);
        index.upsert(r, v[i]);
        if (i % perSegment == perSegment - 1) index.commit();
      }
      assertEquals(segments, index.stats().segments(), "one segment per commit");
      java.util.Map<ListingQuery.Order, java.util.Comparator<ImageRecord>> orders =
          ExpectedOrders.byFileDateAndPath();
      try (ImageIndex.Snapshot s = index.snapshot()) {
        for (var order : orders.entrySet()) {
          List<String> expected =
              records.stream().sorted(order.getValue()).map(ImageRecord::path).toList();
          for (int limit : new int[] {1, 10, 60}) {
            List<String> paged = new java.util.ArrayList<>();
            Listing page = s.list(new ListingQuery(order.getKey(), null, 0, limit));
            paged.addAll(page.images().stream().map(ImageRecord::path).toList());
            while (page.next() != null) {
              page = s.list(ListingQuery.after(order.getKey(), null, page.next(), limit));
              paged.addAll(page.images().stream().map(ImageRecord::path).toList());
            }
            assertEquals(expected, paged, order.getKey() + " by cursor, " + limit + " a page");
            for (int offset = 0; offset < n; offset += 17) {
              assertEquals(
                  expected.subList(offset, Math.min(n, offset + limit)),
                  s.list(new ListingQuery(order.getKey(), null, offset, limit)).images().stream()
                      .map(ImageRecord::path)
                      .toList(),
                  order.getKey() + " at " + offset);
            }
          }
        }
      }
    }
  }

  @Test
  void olderDocumentsWithoutSortColumnsAreListedInOrder() throws Exception {
    float[][] v = TestVectors.clustered(6, DIMS, 7);
    try (ImageIndex index = LuceneIndex.openWritable(dir, MODEL, IndexConfig.DEFAULT)) {
      index.commit(); // an empty index recording the model
    }
    try (Directory d = FSDirectory.open(dir);
        IndexWriter old =
            new IndexWriter(
                d,
                new IndexWriterConfig()
                    .setCodec(new VectorCodec(IndexConfig.DEFAULT))
                    .setOpenMode(IndexWriterConfig.OpenMode.APPEND))) {
      old.setLiveCommitData(SegmentInfos.readLatestCommit(d).getUserData().entrySet());
      for (int i = 0; i < 3; i++) {
        Document doc = IndexSchema.toDocument(record("/old/" + i + ".jpg", 9_000 + i), v[i]);
        doc.removeFields(IndexSchema.SORT_PATH);
        doc.removeFields(IndexSchema.SORT_MTIME);
        old.addDocument(doc);
      }
      old.commit();
    }
    try (ImageIndex index = LuceneIndex.openWritable(dir, MODEL, IndexConfig.DEFAULT)) {
      for (int i = 0; i < 3; i++) index.upsert(record("/new/" + i + ".jpg", 1_000 + i), v[3 + i]);
      index.commit();
      try (ImageIndex.Snapshot s = index.snapshot()) {
        Listing newest = s.list(new ListingQuery(ListingQuery.Order.NEWEST, null, 0, 4));
        assertEquals(6, newest.total());
        assertEquals(
            List.of("/old/2.jpg", "/old/1.jpg", "/old/0.jpg", "/new/2.jpg"),
            newest.images().stream().map(ImageRecord::path).toList());
        Listing byPath = s.list(new ListingQuery(ListingQuery.Order.PATH, "/new/", 1, 10));
        assertEquals(3, byPath.total());
        assertEquals(
            List.of("/new/1.jpg", "/new/2.jpg"),
            byPath.images().stream().map(ImageRecord::path).toList());
      }
    }
  }
}
