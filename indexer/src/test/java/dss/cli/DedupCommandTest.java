package dss.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dss.index.ImageIndex;
import dss.index.ImageRecord;
import dss.index.IndexConfig;
import dss.index.lucene.LuceneIndex;
import dss.model.ModelInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dreamsim dedup} on a real index with constructed vectors: JSON and CSV shapes, --out, bad
 * input.
 */
class DedupCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  Path index;

  /** x-y plane vectors at the given angles: cos(step) = 0.95, so neighbours are 0.05 apart. */
  static float[] at(double angle) {
    float[] v = new float[8];
    v[0] = (float) Math.cos(angle);
    v[1] = (float) Math.sin(angle);
    return v;
  }

  @BeforeEach
  void buildIndex() throws Exception {
    index = dir.resolve("index");
    double step = Math.acos(0.95);
    try (ImageIndex writer =
        LuceneIndex.openWritable(index, new ModelInfo("t", "t", 8, "x"), IndexConfig.DEFAULT)) {
      writer.upsert(
          new ImageRecord("big", "/p/big.jpg", "h1", 5000, 1, 400, 300, "jpeg", 0), at(0));
      writer.upsert(
          new ImageRecord("small", "/p/small, copy.jpg", "h2", 900, 2, 200, 150, "jpeg", 0),
          at(step));
      writer.upsert(
          new ImageRecord("far", "/p/far.jpg", "h3", 900, 2, 200, 150, "jpeg", 0), at(Math.PI / 2));
      writer.commit();
    }
  }

  @Test
  void jsonListsGroupsWithKeeperAndDistances() throws Exception {
    long start = System.nanoTime();
    CliRun run = CliRun.of("dedup", "--index", index.toString(), "--threshold", "0.1");
    double wall = (System.nanoTime() - start) / 1e9;
    assertEquals(0, run.status(), run.err());
    JsonNode out = JSON.readTree(run.out());
    assertEquals(0.1, out.get("threshold").asDouble(), 1e-6);
    assertEquals(3, out.get("images").asInt());
    JsonNode seconds = out.get("seconds");
    assertTrue(seconds != null && seconds.isNumber(), "seconds is a number: " + run.out());
    assertTrue(
        seconds.asDouble() > 0 && seconds.asDouble() <= wall,
        "seconds " + seconds + " within the " + wall + " s the command took");
    assertEquals(1, out.get("groups").size());
    JsonNode group = out.get("groups").get(0);
    assertEquals("big", group.get("keeper").asText());
    JsonNode members = group.get("members");
    assertEquals(2, members.size());
    assertEquals("big", members.get(0).get("id").asText());
    assertEquals(0.0, members.get(0).get("distance").asDouble());
    JsonNode small = members.get(1);
    assertEquals("/p/small, copy.jpg", small.get("path").asText());
    assertEquals(0.05, small.get("distance").asDouble(), 1e-4);
    assertEquals(200, small.get("width").asInt());
    assertEquals(150, small.get("height").asInt());
    assertEquals(900, small.get("bytes").asLong());
  }

  @Test
  void mergeMakesOneSegmentAndFindsTheSameGroups() throws Exception {
    try (ImageIndex writer =
        LuceneIndex.openWritable(index, new ModelInfo("t", "t", 8, "x"), IndexConfig.DEFAULT)) {
      writer.upsert(
          new ImageRecord("copy", "/p/copy.jpg", "h4", 800, 3, 200, 150, "jpeg", 0),
          at(Math.PI / 2 + 0.01));
      writer.commit(); // a second segment, whose copy is near "far" in the first
      assertEquals(2, writer.stats().segments());
    }
    CliRun run = CliRun.of("dedup", "--index", index.toString(), "--threshold", "0.1", "--merge");
    assertEquals(0, run.status(), run.err());
    assertTrue(run.err().contains("merging"), run.err());
    try (ImageIndex merged = LuceneIndex.openReadOnly(index)) {
      assertEquals(1, merged.stats().segments());
    }
    JsonNode groups = JSON.readTree(run.out()).get("groups");
    assertEquals(2, groups.size());
    List<String> keepers =
        List.of(groups.get(0).get("keeper").asText(), groups.get(1).get("keeper").asText());
    assertTrue(keepers.containsAll(List.of("big", "far")), keepers.toString());
  }

  @Test
  void csvHasOneRowPerMemberWithItsGroupNumber() throws Exception {
    Path file = dir.resolve("groups.csv");
    CliRun run =
        CliRun.of(
            "dedup", "--index", index.toString(), "--format", "csv", "--out", file.toString());
    assertEquals(0, run.status(), run.err());
    assertEquals("", run.out());
    List<String> lines = Files.readAllLines(file);
    assertEquals("group,keeper,id,path,distance,width,height,bytes", lines.get(0));
    assertEquals(3, lines.size());
    assertTrue(lines.get(1).startsWith("1,true,big,/p/big.jpg,0.0,400,300,5000"), lines.get(1));
    assertTrue(lines.get(2).startsWith("1,false,small,\"/p/small, copy.jpg\",0.05"), lines.get(2));
  }

  @Test
  void thresholdBelowThePairDistanceFindsNothing() throws Exception {
    CliRun run = CliRun.of("dedup", "--index", index.toString(), "--threshold", "0.04");
    assertEquals(0, run.status(), run.err());
    assertEquals(0, JSON.readTree(run.out()).get("groups").size());
  }

  @Test
  void badInputIsAClearError() {
    CliRun bad = CliRun.of("dedup", "--index", index.toString(), "--threshold", "-1");
    assertEquals(2, bad.status());
    assertTrue(
        bad.err().contains("--threshold must be a DreamSim distance in [0, 2], got -1"), bad.err());

    CliRun format = CliRun.of("dedup", "--index", index.toString(), "--format", "xml");
    assertEquals(2, format.status());
    assertTrue(format.err().contains("xml"), format.err());

    Path missing = dir.resolve("nothing-here");
    CliRun none = CliRun.of("dedup", "--index", missing.toString());
    assertEquals(1, none.status());
    assertTrue(none.err().contains(missing.toString()), none.err());
  }
}
