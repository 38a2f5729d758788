package dss.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dss.index.IndexConfig.Preprocessing;
import dss.index.lucene.LuceneIndex;
import dss.index.solr.SolrIndex;
import dss.index.solr.TestCluster;
import dss.model.ModelInfo;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The preprocessing that built an index is recorded with it (both backends) and another one is
 * refused.
 */
class PreprocessingRecordTest {
  static final ModelInfo MODEL = new ModelInfo("m", "m", 8, "c0ffee");
  static final IndexConfig EXACT = IndexConfig.DEFAULT.with(Preprocessing.EXACT);

  @TempDir static Path tmp;

  interface Backend {
    /** Creates an index (writable, with {@code config}) and gives its reader-side open. */
    ImageIndex create(String name, IndexConfig config) throws Exception;

    ImageIndex reopen(String name) throws Exception;
  }

  static Stream<Backend> backends() {
    Backend lucene =
        new Backend() {
          @Override
          public ImageIndex create(String name, IndexConfig config) throws Exception {
            return LuceneIndex.openWritable(tmp.resolve(name), MODEL, config);
          }

          @Override
          public ImageIndex reopen(String name) throws Exception {
            return LuceneIndex.openReadOnly(tmp.resolve(name));
          }
        };
    Backend solr =
        new Backend() {
          @Override
          public ImageIndex create(String name, IndexConfig config) throws Exception {
            return SolrIndex.openWritable(
                TestCluster.shared().location("pre-" + name), MODEL, config, 1, 1);
          }

          @Override
          public ImageIndex reopen(String name) throws Exception {
            return SolrIndex.openReadOnly(TestCluster.shared().location("pre-" + name));
          }
        };
    return Stream.of(lucene, solr);
  }

  @ParameterizedTest
  @MethodSource("backends")
  void recordedAtCreationAndKept(Backend backend) throws Exception {
    try (ImageIndex created = backend.create("exact", EXACT)) {
      assertEquals(Preprocessing.EXACT, created.metadata().config().preprocessing());
    }
    try (ImageIndex read = backend.reopen("exact")) {
      assertEquals(Preprocessing.EXACT, read.metadata().config().preprocessing());
      read.metadata().requirePreprocessing(Preprocessing.EXACT, read.location());
      IndexException.OtherPreprocessing e =
          assertThrows(
              IndexException.OtherPreprocessing.class,
              () -> read.metadata().requirePreprocessing(Preprocessing.DEFAULT, read.location()));
      assertEquals(Preprocessing.EXACT, e.built());
      assertTrue(
          e.getMessage().contains("built with the exact preprocessing")
              && e.getMessage()
                  .contains(
                      "but the default preprocessing (fast JPEG decoding, EXIF rotation applied) was"
                          + " asked for"),
          e.getMessage());
    }
    // reopened for writing with the other one: the index keeps its own
    try (ImageIndex again = backend.create("exact", IndexConfig.DEFAULT)) {
      assertEquals(Preprocessing.EXACT, again.metadata().config().preprocessing());
    }
    try (ImageIndex created = backend.create("default", IndexConfig.DEFAULT)) {
      assertEquals(Preprocessing.DEFAULT, created.metadata().config().preprocessing());
      IndexException e =
          assertThrows(
              IndexException.class,
              () ->
                  created.metadata().requirePreprocessing(Preprocessing.EXACT, created.location()));
      assertTrue(
          e.getMessage()
              .contains(
                  "built with the default preprocessing (fast JPEG decoding, EXIF rotation "
                      + "applied) but the exact preprocessing (full-size JPEG decoding, no EXIF rotation) was asked for"),
          e.getMessage());
    }
  }

  @Test
  void roundTripAndIndexesMadeBeforeTheRecord() throws Exception {
    IndexMetadata exact = new IndexMetadata(MODEL, EXACT);
    Map<String, String> map = exact.toMap();
    assertEquals("EXACT", map.get("vectors.preprocessing"));
    assertEquals(exact, IndexMetadata.fromMap(map, "x"));
    Map<String, String> old = new HashMap<>(map);
    old.remove("vectors.preprocessing");
    assertEquals(Preprocessing.DEFAULT, IndexMetadata.fromMap(old, "x").config().preprocessing());
    old.put("vectors.preprocessing", "BOGUS");
    assertThrows(IndexException.class, () -> IndexMetadata.fromMap(old, "x"));
  }
}
