package dss.index.lucene;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dss.index.Hit;
import dss.index.ImageIndex;
import dss.index.ImageRecord;
import dss.index.IndexConfig;
import dss.index.IndexException;
import dss.index.IndexStats;
import dss.index.KnnQuery;
import dss.index.TestVectors;
import dss.model.ModelInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LuceneIndexTest {
  static final int DIMS = 1792;
  static final ModelInfo MODEL = new ModelInfo("test-model", "test", DIMS, "c0ffee");

  @TempDir Path tmp;

  static ImageRecord record(int i) {
    String path = "/photos/" + (i % 2 == 0 ? "even" : "odd") + "/img" + i + ".jpg";
    return new ImageRecord(
        ImageRecord.idFor(path),
        path,
        "hash" + i,
        1000 + i,
        1_700_000_000_000L + i,
        640,
        480,
        "jpeg",
        1_800_000_000_000L);
  }

  @Test
  void writesRecordsAndReadsThemBackFromAnotherOpener() throws Exception {
    Path dir = tmp.resolve("idx");
    float[][] vectors = TestVectors.clustered(50, DIMS, 1);
    try (ImageIndex index = LuceneIndex.openWritable(dir, MODEL, IndexConfig.DEFAULT)) {
      for (int i = 0; i < vectors.length; i++) index.upsert(record(i), vectors[i]);
      index.commit();
    }
    try (ImageIndex index = LuceneIndex.openReadOnly(dir)) {
      assertEquals(MODEL, index.metadata().model());
      assertTrue(index.readOnly());
      try (ImageIndex.Snapshot searcher = index.snapshot()) {
        assertEquals(50, searcher.count());
        assertEquals(record(7), searcher.get(record(7).id()).orElseThrow());
        assertArrayEquals(vectors[7], searcher.vector(record(7).id()).orElseThrow());
        assertEquals(record(9), searcher.firstWithHash("hash9").orElseThrow());
        assertTrue(searcher.get("nope").isEmpty());
        assertTrue(searcher.vector("nope").isEmpty());
        assertTrue(searcher.firstWithHash("nope").isEmpty());
      }
      assertThrows(
          IndexException.class,
          () -> index.upsert(record(99), vectors[0]),
          "read-only refuses writes");
      IndexStats stats = index.stats();
      assertEquals(50, stats.documents());
      assertEquals(DIMS, stats.dimensions());
      assertEquals("none", stats.quantization());
      assertTrue(
          stats.bytes() > 50L * DIMS * 4,
          "float32 vectors alone take " + 50L * DIMS * 4 + " bytes");
    }
  }

  @Test
  void upsertReplacesByPathAndDeleteRemoves() throws Exception {
    float[][] vectors = TestVectors.clustered(3, DIMS, 2);
    try (ImageIndex index = LuceneIndex.openWritable(tmp, MODEL, IndexConfig.DEFAULT)) {
      index.upsert(record(1), vectors[0]);
      index.upsert(record(1), vectors[1]);
      index.upsert(record(2), vectors[2]);
      index.delete(record(2).id());
      assertEquals(0, index.count(), "not visible before the commit");
      index.commit();
      try (ImageIndex.Snapshot searcher = index.snapshot()) {
        assertEquals(1, searcher.count());
        assertArrayEquals(vectors[1], searcher.vector(record(1).id()).orElseThrow());
      }
    }
  }

  @Test
  void distancesPrefixFilterAndMaxDistance() throws Exception {
    float[][] vectors = TestVectors.clustered(200, DIMS, 3);
    try (ImageIndex index = LuceneIndex.openWritable(tmp, MODEL, IndexConfig.DEFAULT)) {
      for (int i = 0; i < vectors.length; i++) index.upsert(record(i), vectors[i]);
      index.commit();
      try (ImageIndex.Snapshot searcher = index.snapshot()) {
        List<Hit> hits = searcher.knn(KnnQuery.of(vectors[4], 5));
        assertEquals(record(4), hits.get(0).image());
        assertEquals(0f, hits.get(0).distance(), 1e-5f);
        for (Hit h : hits) {
          int i = Integer.parseInt(h.image().path().replaceAll("\\D", ""));
          assertEquals(
              1 - TestVectors.dot(vectors[4], vectors[i]),
              h.distance(),
              1e-4f,
              "distance = 1 - cosine");
        }
        List<Hit> odd = searcher.knn(KnnQuery.of(vectors[4], 10).withPathPrefix("/photos/odd/"));
        assertEquals(10, odd.size());
        assertTrue(odd.stream().allMatch(h -> h.image().path().startsWith("/photos/odd/")));
        float cut = hits.get(2).distance();
        List<Hit> near = searcher.knn(KnnQuery.of(vectors[4], 5).withMaxDistance(cut));
        assertEquals(3, near.size());
        assertTrue(near.stream().allMatch(h -> h.distance() <= cut));
      }
    }
  }

  @Test
  void defaultCodecReadsHighDimensionIndex() throws Exception {
    float[][] vectors = TestVectors.clustered(30, DIMS, 4);
    try (ImageIndex index =
        LuceneIndex.openWritable(
            tmp, MODEL, new IndexConfig(IndexConfig.Quantization.INT8, 16, 100))) {
      for (int i = 0; i < vectors.length; i++) index.upsert(record(i), vectors[i]);
      index.commit();
    }
    // Plain Lucene, no codec of ours: segments name the built-in formats, and the reader side
    // accepts 1792 dims.
    try (var dir = FSDirectory.open(tmp);
        var reader = DirectoryReader.open(dir)) {
      TopDocs top =
          new IndexSearcher(reader)
              .search(new KnnFloatVectorQuery(IndexSchema.VECTOR, vectors[3], 1), 1);
      assertEquals(
          record(3).id(), reader.storedFields().document(top.scoreDocs[0].doc).get(IndexSchema.ID));
    }
  }

  @Test
  void refusesAnotherModel() throws Exception {
    try (ImageIndex index = LuceneIndex.openWritable(tmp, MODEL, IndexConfig.DEFAULT)) {
      index.commit();
    }
    ModelInfo other = new ModelInfo("other-model", "other", DIMS, "beef");
    IndexException e =
        assertThrows(
            IndexException.class, () -> LuceneIndex.openWritable(tmp, other, IndexConfig.DEFAULT));
    assertTrue(
        e.getMessage().contains("built with model test-model")
            && e.getMessage().contains("other-model"),
        e.getMessage());
    try (ImageIndex index = LuceneIndex.openReadOnly(tmp)) {
      assertThrows(IndexException.class, () -> index.requireModel(other));
      index.requireModel(MODEL);
    }
  }

  @Test
  void keepsTheStorageItWasCreatedWith() throws Exception {
    IndexConfig int4 = new IndexConfig(IndexConfig.Quantization.INT4, 8, 50);
    try (ImageIndex index = LuceneIndex.openWritable(tmp, MODEL, int4)) {
      assertEquals(int4, index.metadata().config());
    }
    try (ImageIndex index = LuceneIndex.openWritable(tmp, MODEL, IndexConfig.DEFAULT)) {
      assertEquals(int4, index.metadata().config());
    }
  }

  @Test
  void secondWriterGetsInUseMessage() throws Exception {
    float[] v = TestVectors.clustered(1, DIMS, 5)[0];
    try (ImageIndex first = LuceneIndex.openWritable(tmp, MODEL, IndexConfig.DEFAULT)) {
      IndexException e =
          assertThrows(
              IndexException.InUse.class,
              () -> LuceneIndex.openWritable(tmp, MODEL, IndexConfig.DEFAULT));
      assertTrue(
          e.getMessage().startsWith("index " + tmp + " is in use by another process"),
          e.getMessage());
      try (ImageIndex reader = LuceneIndex.openReadOnly(tmp)) {
        assertEquals(0, reader.stats().documents(), "readers take no lock");
      }
      try (ImageIndex shared = LuceneIndex.openShared(tmp, MODEL, IndexConfig.DEFAULT)) {
        assertTrue(shared.readOnly(), "a second opener falls back to reading");
      }
      first.upsert(record(1), v);
    }
    // The first writer's close released the lock (and committed): a new writer opens and sees its
    // document.
    try (ImageIndex again = LuceneIndex.openShared(tmp, MODEL, IndexConfig.DEFAULT)) {
      assertFalse(again.readOnly());
      again.upsert(record(2), v);
      again.commit();
      assertEquals(2, again.count());
    }
  }

  @Test
  void missingIndexIsAClearError() {
    IndexException e =
        assertThrows(IndexException.class, () -> LuceneIndex.openReadOnly(tmp.resolve("none")));
    assertTrue(e.getMessage().startsWith("no index at "), e.getMessage());
  }

  @Test
  void notOurIndexIsAClearError() throws Exception {
    Files.createDirectories(tmp);
    try (var dir = FSDirectory.open(tmp);
        var w =
            new org.apache.lucene.index.IndexWriter(
                dir, new org.apache.lucene.index.IndexWriterConfig())) {
      w.commit();
    }
    IndexException e = assertThrows(IndexException.class, () -> LuceneIndex.openReadOnly(tmp));
    assertTrue(e.getMessage().contains("not made by dreamsim"), e.getMessage());
  }

  /**
   * An index whose documents were written before records had their doc values copy (as older
   * versions wrote them): the k-NN call and the listing read those records from the stored fields,
   * and a document written since from its copy, in one answer.
   */
  @Test
  void recordsWithoutTheirDocValuesCopyAreReadFromStoredFields() throws Exception {
    Path dir = tmp.resolve("older");
    float[][] vectors = TestVectors.clustered(6, DIMS, 1);
    try (ImageIndex index = LuceneIndex.openWritable(dir, MODEL, IndexConfig.DEFAULT)) {
      index.upsert(record(0), vectors[0]); // creates the index and its metadata
      index.commit();
    }
    IndexConfig config = LuceneIndex.openReadOnly(dir).metadata().config();
    try (FSDirectory directory = FSDirectory.open(dir);
        org.apache.lucene.index.IndexWriter raw =
            new org.apache.lucene.index.IndexWriter(
                directory,
                new org.apache.lucene.index.IndexWriterConfig()
                    .setCodec(new VectorCodec(config))
                    .setOpenMode(org.apache.lucene.index.IndexWriterConfig.OpenMode.APPEND))) {
      for (int i = 1; i < 5; i++) {
        org.apache.lucene.document.Document older = IndexSchema.toDocument(record(i), vectors[i]);
        older.removeField(IndexSchema.RECORD);
        raw.addDocument(older);
      }
      raw.commit();
    }
    try (ImageIndex index = LuceneIndex.openWritable(dir, MODEL, IndexConfig.DEFAULT)) {
      index.upsert(record(5), vectors[5]);
      index.commit();
      try (ImageIndex.Snapshot snapshot = index.snapshot()) {
        List<Hit> hits = snapshot.knn(new KnnQuery(vectors[3], null, dss.index.KnnOptions.of(6)));
        assertEquals(6, hits.size());
        assertEquals(record(3), hits.get(0).image());
        assertEquals(
            java.util.stream.IntStream.range(0, 6)
                .mapToObj(LuceneIndexTest::record)
                .sorted(java.util.Comparator.comparing(ImageRecord::id))
                .toList(),
            hits.stream()
                .map(Hit::image)
                .sorted(java.util.Comparator.comparing(ImageRecord::id))
                .toList());
        assertEquals(
            java.util.stream.IntStream.range(0, 6)
                .mapToObj(LuceneIndexTest::record)
                .sorted(java.util.Comparator.comparing(ImageRecord::path))
                .toList(),
            snapshot
                .list(
                    dss.index.ListingQuery.after(dss.index.ListingQuery.Order.PATH, null, null, 10))
                .images());
      }
    }
  }
}
