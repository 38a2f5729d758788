package dss.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dss.index.CommittedVectors;
import dss.index.ImageIndex;
import dss.index.ImageRecord;
import dss.index.IndexException;
import dss.index.solr.SolrIndex;
import dss.index.solr.TestCluster;
import dss.ingest.TestLibrary;
import dss.model.TestModels;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chaos test on a SolrCloud collection (2 shards x 2 replicas, 3 nodes, each its own process):
 * a real indexer process is killed with SIGKILL at random moments and restarted, and between two of
 * those kills a Solr node's process is killed with SIGKILL too and started again later, while a
 * real server process answers searches by id and health checks.
 *
 * <p>Checked: nothing committed is lost across the kills; after the resumed run every photo is
 * there exactly once, and both replicas of each shard hold the same ids; the server answered every
 * search and health check with 200 (replicas 2: a node's loss costs no request).
 */
class SolrChaosTest {
  private static final int PHOTOS = 60;
  private static final int KILLS = 4;

  @TempDir Path tmp;

  private Process startIndexer(Path lib, String index) throws IOException {
    return new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "--add-modules",
            "jdk.incubator.vector",
            "--enable-native-access=ALL-UNNAMED",
            "-Ddss.root=" + TestModels.root(),
            "-cp",
            System.getProperty("java.class.path"),
            Main.class.getName(),
            "index",
            "--model",
            "test",
            "--index",
            index,
            "--shards",
            "2",
            "--replicas",
            "2",
            "--commit-every",
            "5",
            "--decode-threads",
            "1",
            lib.toString())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(tmp.resolve("indexer.log").toFile()))
        .start();
  }

  /** The paths committed so far, each read back with its vector and found by a k-NN query. */
  private static Set<String> committed(String index) throws IOException {
    try (ImageIndex read = SolrIndex.openReadOnly(index)) {
      return new TreeSet<>(CommittedVectors.assertSearchable(read).keySet());
    } catch (IndexException.Missing notYet) {
      return Set.of();
    }
  }

  @Test
  void indexerAndSolrNodeKillsLoseNothingCommittedAndTheServerAnswersThroughout() throws Exception {
    Path lib = tmp.resolve("lib");
    for (int i = 0; i < PHOTOS; i++)
      TestLibrary.image(lib.resolve("d" + i % 4 + "/p" + i + ".jpg"), i, 320, 240, "jpg");
    try (TestCluster cluster = TestCluster.start(3, null)) {
      // Seeds 1 and 2; node 3 is the one killed (the entry node's kill is SolrNodeKillTest's).
      // Writers wait out a leader election.
      String seeds =
          "solr://"
              + URI.create(cluster.nodes().get(0)).getRawAuthority()
              + ","
              + URI.create(cluster.nodes().get(1)).getRawAuthority()
              + "/chaos";
      String index = seeds + "?retry=120";

      Process indexer = startIndexer(lib, index);
      Set<String> first = Set.of();
      for (int i = 0; i < 1200 && first.isEmpty() && indexer.isAlive(); i++) {
        Thread.sleep(100); // a poll: the commit happens in another process, behind HTTP
        try {
          first = committed(seeds);
        } catch (IndexException notYet) { // the collection is being made: no metadata yet
          first = Set.of();
        }
      }
      assertTrue(!first.isEmpty(), "no first commit: see indexer.log");
      String known = ImageRecord.idFor(first.iterator().next());

      List<String> problems = Collections.synchronizedList(new ArrayList<>());
      AtomicInteger answered = new AtomicInteger();
      AtomicBoolean running = new AtomicBoolean(true);
      try (ServeProcess server =
              ServeProcess.start(
                  tmp.resolve("serve.log"), "--index", seeds, "--model", "test", "--port", "0");
          HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
        String url = new ObjectMapper().readTree(server.firstLine).get("url").asText();
        List<Thread> load = new ArrayList<>();
        for (String route : List.of("api/health", "api/search?k=3&id=" + known)) {
          load.add(
              Thread.ofPlatform()
                  .start(
                      () -> {
                        while (running.get()) {
                          try {
                            HttpResponse<String> r =
                                http.send(
                                    HttpRequest.newBuilder(URI.create(url + route))
                                        .timeout(Duration.ofSeconds(120))
                                        .build(),
                                    HttpResponse.BodyHandlers.ofString());
                            if (r.statusCode() != 200)
                              problems.add(route + " answered " + r.statusCode() + ": " + r.body());
                            answered.incrementAndGet();
                          } catch (Exception e) {
                            problems.add(route + ": " + e);
                          }
                        }
                      }));
        }
        Random random = new Random(11);
        try {
          for (int kill = 0; kill < KILLS; kill++) {
            // A random moment, not an event: the kill must land anywhere in the indexer's work
            Thread.sleep(500 + random.nextInt(2000));
            Set<String> before = committed(seeds);
            indexer.destroyForcibly().waitFor(); // SIGKILL
            Set<String> after = committed(seeds);
            assertTrue(after.containsAll(before), "an indexer kill lost committed documents");
            if (kill == 1) cluster.killNode(3); // SIGKILL of a Solr node's JVM
            if (kill == 3) cluster.startNode(3);
            indexer = startIndexer(lib, index);
          }
          assertEquals(0, indexer.waitFor(), "the last indexer run finishes: see indexer.log");
        } finally {
          indexer.destroyForcibly();
          running.set(false);
          for (Thread t : load) t.join();
        }
        assertTrue(answered.get() > 10, "the server was asked: " + answered);
        assertEquals(List.of(), List.copyOf(problems.subList(0, Math.min(5, problems.size()))));
      }

      Set<String> all = committed(seeds);
      assertEquals(PHOTOS, all.size(), "every photo exactly once after the resumed run");
      awaitActive(seeds);
      try (HttpClient http =
          HttpClient.newHttpClient()) { // a searcher on every replica, recovered ones included
        HttpResponse<String> commit =
            http.send(
                HttpRequest.newBuilder(URI.create(cluster.solr() + "/chaos/update?commit=true"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, commit.statusCode(), commit.body());
      }
      Set<String> ids = new TreeSet<>();
      for (String path : all) ids.add(ImageRecord.idFor(path));
      Set<String> held = new TreeSet<>();
      for (Map.Entry<String, List<Set<String>>> shard : cluster.replicaIds("chaos").entrySet()) {
        assertEquals(2, shard.getValue().size(), "2 replicas of " + shard.getKey());
        assertEquals(
            shard.getValue().get(0), shard.getValue().get(1), "the replicas of " + shard.getKey());
        held.addAll(shard.getValue().get(0));
      }
      assertEquals(ids, held, "the replicas hold the committed set, and nothing else");
    }
  }

  /** Waits until every replica is active again (the killed node's replicas recover). */
  private static void awaitActive(String location) throws Exception {
    for (int i = 0; i < 1200; i++) {
      SolrIndex.Status status = SolrIndex.status(location);
      boolean active =
          status.liveNodes().size() == 3
              && status.shardStates().stream()
                  .allMatch(s -> s.replicas().stream().allMatch(r -> r.state().equals("active")));
      if (active) return;
      Thread.sleep(200); // a poll: replica states live in the cluster's ZooKeeper
    }
    throw new AssertionError("replicas did not recover: " + SolrIndex.status(location));
  }
}
