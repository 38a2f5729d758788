package dss.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dss.cli.CliRun;
import org.junit.jupiter.api.Test;

/** {@code dreamsim bench model} runs both contenders and reports them (figures are not asserted: it is a benchmark). */
class ModelBenchTest {
  @Test void reportsOursAndThePlainOrtPeer() throws Exception {
    CliRun run = CliRun.of("bench", "model", "--model", "test", "--device", "cpu", "--threads", "1", "--batch", "2",
        "--seconds", "0.2", "--rounds", "1");
    assertEquals(0, run.status(), run.err());
    JsonNode result = new ObjectMapper().readTree(run.out());
    assertEquals("cpu", result.get("device").asText());
    assertEquals(2, result.get("batch").asInt());
    assertTrue(result.get("ours").get("batches").asInt() >= 1, run.out());
    assertTrue(result.get("plain_ort").get("batches").asInt() >= 1, run.out());
    for (String speed : new String[] {"img_per_sec", "ms_per_batch", "img_per_cpu_second"}) {
      assertTrue(result.get("ours").get(speed).isNumber(), speed + " in " + run.out());
    }
    assertTrue(run.err().contains("img/s"), run.err());
  }
}
