package dss.index.solr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dss.index.ImageRecord;
import dss.index.IndexConfig;
import dss.index.ListingQuery;
import dss.model.ModelInfo;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A collection whose schema predates the capture fields (made here by deleting them through the
 * Schema API from a new one) gets them when it is next opened for writing, and then stores and
 * sorts capture dates.
 */
class SolrSchemaUpgradeTest {
  private static final int DIMS = 8;
  private static final ModelInfo MODEL = new ModelInfo("upgrade", "upgrade", DIMS, "upgr4de");
  private static final List<String> FIELDS =
      List.of("taken_at", "camera_make", "camera_model", "record_version", "sort_taken");

  private static Set<String> fields(SolrIndex index) throws Exception {
    Set<String> have = new HashSet<>();
    for (JsonNode f :
        index.http().get("/" + index.collection() + "/schema/fields", Map.of()).path("fields"))
      have.add(f.path("name").asText());
    return have;
  }

  @Test
  void anOldCollectionGetsTheCaptureFieldsOnOpen() throws Exception {
    String location = TestCluster.shared().location("schema-upgrade");
    try (SolrIndex index = SolrIndex.openWritable(location, MODEL, IndexConfig.DEFAULT, 1, 1)) {
      StringBuilder delete = new StringBuilder("{\"delete-field\":[");
      for (int i = 0; i < FIELDS.size(); i++)
        delete.append(i > 0 ? "," : "").append("{\"name\":\"").append(FIELDS.get(i)).append("\"}");
      delete.append("],\"delete-field-type\":{\"name\":\"plong_last\"}}");
      index
          .http()
          .send(
              "POST",
              "/" + index.collection() + "/schema",
              Map.of(),
              "application/json",
              delete.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8),
              Duration.ofMinutes(1));
      Set<String> before = fields(index);
      for (String f : FIELDS) assertFalse(before.contains(f), f + " deleted");
    }
    try (SolrIndex index = SolrIndex.openWritable(location, MODEL, IndexConfig.DEFAULT, 1, 1)) {
      assertTrue(fields(index).containsAll(FIELDS), fields(index).toString());
      float[] v = new float[DIMS];
      v[0] = 1;
      for (String[] f :
          new String[][] {
            {"/a.jpg", "2001-01-01T00:00:00"}, {"/b.jpg", "2002-01-01T00:00:00+01:00"}
          }) {
        index.upsert(
            new ImageRecord(
                ImageRecord.idFor(f[0]),
                f[0],
                "h" + f[0],
                1,
                1,
                1,
                1,
                "jpeg",
                0,
                f[1],
                "Make",
                null,
                ImageRecord.CURRENT_VERSION),
            v);
      }
      index.commit();
      try (var s = index.snapshot()) {
        List<ImageRecord> listed =
            s.list(new ListingQuery(ListingQuery.Order.TAKEN, null, 0, 10)).images();
        assertEquals(List.of("/b.jpg", "/a.jpg"), listed.stream().map(ImageRecord::path).toList());
        assertEquals("2002-01-01T00:00:00+01:00", listed.get(0).takenAt());
        assertEquals("Make", listed.get(0).cameraMake());
      }
    }
  }
}
