package dss.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The figures of model verify on hand-made tensors and vectors (expected values worked out by
 * hand).
 */
class GoldenComparisonTest {
  @Test
  void tensorsCountDifferingBytesAndTheLargestDifference() {
    byte[] a = {0, 10, (byte) 200}, b = {5, 5, 5};
    float[] sameAsA = {0, 10 / 255f, 200 / 255f}, offB = {5 / 255f, 8 / 255f, 5 / 255f};
    GoldenComparison.Tensors t =
        GoldenComparison.tensors(List.of("a", "b"), List.of(a, b), List.of(sameAsA, offB));
    assertEquals(new GoldenComparison.Tensors(2, 1, 1, 3, "b"), t);
  }

  @Test
  void distancesOfThePairsAndTheWorst() {
    float[] x = {1, 0}, y = {0, 1}, z = {(float) Math.sqrt(0.5), (float) Math.sqrt(0.5)};
    Golden golden =
        new Golden(
            Path.of("g.json"),
            "m",
            2,
            List.of(),
            List.of(new Golden.Pair("x", "y", 1.0), new Golden.Pair("x", "z", 0.3)));
    GoldenComparison.Distances d =
        GoldenComparison.distances(golden, Map.of("x", x, "y", y, "z", z));
    double xz = 1 - Math.sqrt(0.5); // 0.29289...
    assertEquals(2, d.pairs());
    assertEquals(0.3 - xz, d.maxDifference(), 1e-6);
    assertEquals((0.3 - xz) / 2, d.meanDifference(), 1e-6);
    assertEquals("z", d.worst().b());
    assertThrows(
        IllegalArgumentException.class, () -> GoldenComparison.distances(golden, Map.of("x", x)));
  }

  @Test
  void withoutPairsEveryPairOfTheGoldenEmbeddings() {
    float[] x = {1, 0}, y = {0, 1};
    Golden golden =
        new Golden(
            Path.of("g.json"),
            "m",
            2,
            List.of(new Golden.Image("x", null, null, x), new Golden.Image("y", null, null, y)),
            List.of());
    GoldenComparison.Distances d =
        GoldenComparison.distances(golden, Map.of("x", x, "y", new float[] {0.6f, 0.8f}));
    assertEquals(1, d.pairs());
    assertEquals(0.6, d.maxDifference(), 1e-6); // PyTorch 1 - 0 = 1, ours 1 - 0.6 = 0.4
  }
}
