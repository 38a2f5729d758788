package dss.index.lucene;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
 * The listing on an index whose older documents were written without the sort columns (as by a version before the
 * listing existed), mixed with new ones: still complete and in order (the full-scan fallback). Sorting by the
 * columns alone would put the old documents, which have the newest dates here, last.
 */
class ListingTest {
  static final int DIMS = 16;
  static final ModelInfo MODEL = new ModelInfo("test-model", "test", DIMS, "c0ffee");

  @TempDir Path dir;

  static ImageRecord record(String path, long mtime) {
    return new ImageRecord(ImageRecord.idFor(path), path, "h" + path, 1, mtime, 1, 1, "png", 0);
  }

  @Test
  void olderDocumentsWithoutSortColumnsAreListedInOrder() throws Exception {
    float[][] v = TestVectors.clustered(6, DIMS, 7);
    try (ImageIndex index = LuceneIndex.openWritable(dir, MODEL, IndexConfig.DEFAULT)) {
      index.commit(); // an empty index recording the model
    }
    try (Directory d = FSDirectory.open(dir);
         IndexWriter old = new IndexWriter(d, new IndexWriterConfig().setCodec(new VectorCodec(IndexConfig.DEFAULT))
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
        assertEquals(List.of("/old/2.jpg", "/old/1.jpg", "/old/0.jpg", "/new/2.jpg"),
            newest.images().stream().map(ImageRecord::path).toList());
        Listing byPath = s.list(new ListingQuery(ListingQuery.Order.PATH, "/new/", 1, 10));
        assertEquals(3, byPath.total());
        assertEquals(List.of("/new/1.jpg", "/new/2.jpg"), byPath.images().stream().map(ImageRecord::path).toList());
      }
    }
  }
}
