package dss.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dss.cli.CliRun;
import org.junit.jupiter.api.Test;

/**
 * {@code dreamsim bench dedup-recall} on a small library: at 0.1 the pairs within the threshold are
 * exactly the planted copy pairs (copies about 0.03-0.06 apart, other photos about 0.5), so the
 * exact pass must count those, and the finder must find nearly all of them.
 */
class DedupRecallBenchTest {
  @Test
  void countsThePlantedPairsAndTheFinderFindsThem() throws Exception {
    CliRun run =
        CliRun.of(
            "bench", "dedup-recall", "--size", "2000", "--dims", "256", "--thresholds", "0.1");
    assertEquals(0, run.status(), run.err());
    JsonNode result = new ObjectMapper().readTree(run.out());
    assertEquals(2000, result.get("n").asInt());
    long truth = result.get("exact_pairs").asLong();
    assertEquals(result.get("planted_pairs").asLong(), truth, run.out());
    assertTrue(truth > 300, run.out());
    long found = result.get("found_exact_pairs").asLong();
    assertEquals(
        found,
        result.get("found_pairs").asLong(),
        "every pair found is checked exactly: " + run.out());
    assertTrue(found >= 0.95 * truth, run.out());
    assertEquals(found / (double) truth, result.get("pair_recall").asDouble(), 1e-9);
  }
}
