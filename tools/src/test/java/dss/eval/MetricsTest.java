package dss.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pairwise dedup metrics, retrieval metrics and the labelled layout, against figures worked out by
 * hand.
 */
class MetricsTest {
  static final String[] LABELS = {"a", "a", "a", "b", "b", "c"}; // true pairs: 3 (a) + 1 (b) = 4

  @Test
  void pairwisePrecisionRecallF1AndBestThreshold() {
    DedupEval.Grouping grouping =
        t ->
            t < 0.15f
                ? new int[] {0, 0, 1, 2, 2, 3} // 2 predicted pairs, both true
                : t < 0.25f
                    ? new int[] {0, 0, 0, 1, 1, 1} // 6 predicted, 4 true
                    : new int[] {0, 0, 0, 0, 0, 0}; // 15 predicted, 4 true
    DedupEval.Result r = DedupEval.sweep(LABELS, grouping, List.of(0.1f, 0.2f, 0.3f));
    assertEquals(4, r.truePairs());
    DedupEval.Point p1 = r.sweep().get(0);
    assertEquals(1.0, p1.precision(), 1e-12);
    assertEquals(0.5, p1.recall(), 1e-12);
    assertEquals(2 / 3.0, p1.f1(), 1e-12);
    DedupEval.Point p2 = r.sweep().get(1);
    assertEquals(4 / 6.0, p2.precision(), 1e-12);
    assertEquals(1.0, p2.recall(), 1e-12);
    assertEquals(0.8, p2.f1(), 1e-12);
    assertEquals(8 / 19.0, r.sweep().get(2).f1(), 1e-12);
    assertEquals(0.2f, r.best().threshold());
  }

  @Test
  void noPredictionsMeansPrecisionOneRecallZero() {
    DedupEval.Result r = DedupEval.sweep(LABELS, t -> new int[] {0, 1, 2, 3, 4, 5}, List.of(0f));
    assertEquals(1.0, r.best().precision());
    assertEquals(0.0, r.best().recall());
    assertEquals(0.0, r.best().f1());
  }

  @Test
  void bestIsTheMiddleOfTheTopPlateau() {
    List<DedupEval.Point> points =
        List.of(
            new DedupEval.Point(0.1f, 0, 0, 0.5, 0), new DedupEval.Point(0.2f, 0, 0, 0.8, 0),
            new DedupEval.Point(0.3f, 0, 0, 0.8, 0), new DedupEval.Point(0.4f, 0, 0, 0.8, 0),
            new DedupEval.Point(0.5f, 0, 0, 0.3, 0), new DedupEval.Point(0.6f, 0, 0, 0.8, 0));
    assertEquals(0.3f, DedupEval.best(points).threshold());
  }

  @Test
  void sweepRange() {
    assertEquals(List.of(0f, 0.05f, 0.1f, 0.15f, 0.2f), DedupEval.range(0f, 0.2f, 0.05f));
    assertEquals(101, DedupEval.range(0f, 1f, 0.01f).size());
  }

  @Test
  void exactGroupingUsesTheEngineRule() {
    // three items on a chain 0.05 apart (ends 0.195 apart) and one far item
    double step = Math.acos(0.95);
    float[][] v = {
      {1, 0, 0}, {(float) Math.cos(step), (float) Math.sin(step), 0},
      {(float) Math.cos(2 * step), (float) Math.sin(2 * step), 0}, {0, 0, 1}
    };
    DedupEval.Grouping g = DedupEval.exact(v);
    int[] at01 = g.groupOf(0.1f);
    assertEquals(at01[0], at01[1], "0 and 1 are 0.05 apart");
    assertNotEquals(at01[1], at01[2], "2 is within 0.1 of 1 but not of 0: no chaining");
    int[] at03 = g.groupOf(0.3f);
    assertEquals(at03[0], at03[2]);
    assertNotEquals(at03[0], at03[3]);
  }

  @Test
  void editDistancesPerKindOfCopy() {
    float[][] v = {{1, 0}, {0.6f, 0.8f}, {0.8f, 0.6f}, {1, 0}, {0, 1}, {0, 1}};
    List<String> names =
        List.of(
            "a__original.jpg",
            "a__blurred.jpg",
            "a__text.jpg",
            "b__original.png",
            "b__blurred.jpg",
            "lonely__blurred.jpg");
    List<DedupEval.EditDistance> edits = DedupEval.editDistances(names, v);
    assertEquals(
        List.of("blurred", "text"), edits.stream().map(DedupEval.EditDistance::edit).toList());
    DedupEval.EditDistance blurred = edits.get(0);
    assertEquals(2, blurred.copies(), "the copy without an original is left out");
    assertEquals((0.4 + 1.0) / 2, blurred.median(), 1e-6);
    assertEquals(1.0, blurred.max(), 1e-6);
    assertEquals(0.2, edits.get(1).median(), 1e-6);
  }

  @Test
  void retrievalMapAndRecallAtK() {
    String[] labels = {"a", "a", "b", "b", "c"};
    int[][] rankings = {
      {1, 2, 3, 4}, // partner at rank 1: AP 1
      {2, 0, 3, 4}, // rank 2: AP 0.5
      {0, 1, 4, 3}, // rank 4: AP 0.25
      {2, 0, 1, 4}, // rank 1: AP 1
      {0, 1, 2, 3}
    }; // no partner: not a query
    RetrievalEval.Result r = RetrievalEval.evaluate(labels, q -> rankings[q], new int[] {1, 2});
    assertEquals(4, r.queries());
    assertEquals((1 + 0.5 + 0.25 + 1) / 4, r.meanAveragePrecision(), 1e-12);
    assertEquals(Map.of(1, 0.5, 2, 0.75), r.recallAtK());
  }

  @Test
  void averagePrecisionCountsMissedPartners() {
    // two partners, one found at rank 2, one never: (1/2 + 0) / 2
    assertEquals(0.25, RetrievalEval.averagePrecision(List.of(2), 2), 1e-12);
    assertEquals((1 + 2 / 3.0) / 2, RetrievalEval.averagePrecision(List.of(1, 3), 2), 1e-12);
  }

  @Test
  void labelsComeFromFileNames(@TempDir Path dir) throws IOException {
    Files.createDirectories(dir.resolve("sub"));
    for (String f :
        List.of(
            "cat__original.jpg",
            "cat__crop.png",
            "sub/dog__x__y.jpg",
            "lonely.jpg",
            ".hidden__x.jpg")) {
      Files.writeString(dir.resolve(f), "x");
    }
    List<LabelledSet.Entry> entries = LabelledSet.read(dir);
    assertArrayEquals(
        new String[] {"cat", "cat", "lonely.jpg", "dog"},
        entries.stream().map(LabelledSet.Entry::group).toArray());
    assertEquals("__x.jpg", LabelledSet.label("__x.jpg"), "an empty label is no label");
  }
}
