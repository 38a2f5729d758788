package dss.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dss.model.TestModels;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dreamsim cluster start --dir DIR} after a clean {@code cluster stop --dir DIR} starts
 * again on the same folder (before: FileAlreadyExistsException) with the same ports and the
 * collection's documents; {@code cluster stop --node N} and {@code cluster start --dir DIR --node
 * N} stop and start one node (its own process) of a running cluster.
 */
class ClusterRestartTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  @Test
  void startsAgainOnItsFolderWithItsDocuments() throws Exception {
    Path dir = tmp.resolve("cluster");
    Path lib = tmp.resolve("lib");
    SolrCommandsTest.library(lib, 4);
    String model = TestModels.testModel().toString();

    Started first = start(dir);
    String index = "solr://" + URI.create(first.solr).getAuthority() + "/photos";
    try {
      CliRun indexed =
          CliRun.of("index", "--index", index, "--model", model, "--device", "cpu", lib.toString());
      assertEquals(0, indexed.status(), indexed.err());
      assertEquals(4, documents(index));
    } finally {
      stop(dir, first);
    }

    Started second = start(dir);
    try {
      assertEquals(first.solr, second.solr, "the same ports");
      assertEquals(4, documents(index), "the documents survived the restart");

      CliRun stopNode = CliRun.of("cluster", "stop", "--dir", dir.toString(), "--node", "1");
      assertEquals(0, stopNode.status(), stopNode.err());
      assertEquals("node1", JSON.readTree(stopNode.out()).get("stopped").get(0).asText());
      CliRun down = CliRun.of("stats", "--index", index);
      assertEquals(2, down.status(), "node 1 was the only node: " + down.out());
      assertTrue(down.err().contains("did not answer"), down.err());

      CliRun startNode = CliRun.of("cluster", "start", "--dir", dir.toString(), "--node", "1");
      assertEquals(0, startNode.status(), startNode.err());
      assertEquals(1, JSON.readTree(startNode.out()).get("started").asInt());
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
      long count = -1;
      while (count != 4 && System.nanoTime() < deadline) { // the core loads after the node is live
        try {
          count = documents(index);
        } catch (AssertionError notYet) {
          Thread.sleep(250);
        }
      }
      assertEquals(4, count, "node 1 is back with its core");
    } finally {
      stop(dir, second);
    }
    CliRun nothing = CliRun.of("cluster", "stop", "--dir", dir.toString());
    assertEquals(1, nothing.status(), "nothing runs any more: " + nothing.out());
  }

  private record Started(Process process, String solr) {}

  private static Started start(Path dir) throws IOException {
    List<String> command = new ArrayList<>(SolrCommandsTest.java());
    command.addAll(
        List.of(
            "dss.cli.Main",
            "cluster",
            "start",
            "--nodes",
            "1",
            "--port",
            "0",
            "--heap",
            "384m",
            "--dir",
            dir.toString()));
    Process process =
        new ProcessBuilder(command)
            .redirectError(
                ProcessBuilder.Redirect.appendTo(
                    Path.of("target", "solr-cluster-restart.log").toFile()))
            .start();
    String line =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))
            .readLine();
    assertTrue(line != null, "cluster start printed its line: see target/solr-cluster-restart.log");
    JsonNode started = JSON.readTree(line);
    assertEquals(dir.toAbsolutePath().toString(), started.get("dir").asText());
    return new Started(process, started.get("solr").asText());
  }

  /** {@code cluster stop --dir DIR}: the foreground {@code cluster start} ends, nothing runs. */
  private static void stop(Path dir, Started started) throws Exception {
    CliRun stopped = CliRun.of("cluster", "stop", "--dir", dir.toString());
    assertEquals(0, stopped.status(), stopped.err());
    assertTrue(started.process().waitFor(120, TimeUnit.SECONDS), "cluster start ended");
    try (var pids = Files.list(dir.resolve("pids"))) {
      List<String> left = pids.map(p -> p.getFileName().toString()).toList();
      for (String pid : left) {
        long n = Long.parseLong(Files.readString(dir.resolve("pids").resolve(pid)).trim());
        assertTrue(ProcessHandle.of(n).map(p -> !p.isAlive()).orElse(true), pid + " still runs");
      }
    }
  }

  private static long documents(String index) throws IOException {
    CliRun stats = CliRun.of("stats", "--index", index);
    if (stats.status() != 0) throw new AssertionError("stats: " + stats.err());
    return JSON.readTree(stats.out()).get("documents").asLong();
  }
}
