package dss.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dss.index.ImageIndex;
import dss.index.solr.SolrIndex;
import dss.ingest.TestLibrary;
import dss.model.TestModels;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commands against a SolrCloud collection, on a 2-node cluster started by {@code dreamsim
 * cluster start} in a child process (and stopped by SIGTERM at the end): index creates the
 * collection with the shards and replicas asked, search/stats/dedup answer as with the embedded
 * index; an indexer killed with kill -9 mid-run resumes to the exact count with no duplicates; a
 * cluster that does not answer is a clear error naming its URL, exit status 2, with nothing written
 * locally.
 */
class SolrCommandsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path tmp;
  static Process cluster;
  static String solr; // http://127.0.0.1:PORT/solr
  static String host; // 127.0.0.1:PORT

  @BeforeAll
  static void startCluster() throws Exception {
    List<String> command = new ArrayList<>(java());
    command.addAll(
        List.of(
            "dss.cli.Main", "cluster", "start", "--nodes", "2", "--port", "0", "--heap", "512m"));
    cluster =
        new ProcessBuilder(command)
            .redirectError(Path.of("target", "solr-cluster-cli.log").toFile())
            .start();
    String line =
        new BufferedReader(new InputStreamReader(cluster.getInputStream(), StandardCharsets.UTF_8))
            .readLine();
    assertTrue(
        line != null, "dreamsim cluster start printed its line: see target/solr-cluster-cli.log");
    JsonNode started = JSON.readTree(line);
    solr = started.get("solr").asText();
    assertEquals(2, started.get("nodes").size());
    host = URI.create(solr).getAuthority();
  }

  /** SIGTERM stops the cluster cleanly: the process ends and its nodes stop answering. */
  @AfterAll
  static void stopCluster() throws Exception {
    if (cluster == null) return;
    cluster.destroy();
    assertTrue(cluster.waitFor(90, TimeUnit.SECONDS), "cluster start ends on SIGTERM");
    HttpClient http = HttpClient.newHttpClient();
    assertThrowsIo(
        () ->
            http.send(
                HttpRequest.newBuilder(URI.create(solr + "/admin/info/system")).build(),
                HttpResponse.BodyHandlers.discarding()));
  }

  static List<String> java() {
    return List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--add-modules",
        "jdk.incubator.vector",
        "--enable-native-access=ALL-UNNAMED",
        "-Ddss.root=" + TestModels.root(),
        "-cp",
        System.getProperty("java.class.path"));
  }

  static void library(Path lib, int images) throws Exception {
    for (int i = 0; i < images; i++) {
      TestLibrary.image(
          lib.resolve((i % 2 == 0 ? "a/" : "b/") + "p" + i + ".jpg"), i, 320, 240, "jpg");
    }
  }

  @Test
  void indexSearchStatsDedupOnACollection() throws Exception {
    Path lib = tmp.resolve("lib");
    library(lib, 10);
    Files.copy(lib.resolve("a/p0.jpg"), lib.resolve("a/copy.jpg"));
    String index = "solr://" + host + "/photos";
    String local = tmp.resolve("local").toString();

    CliRun first =
        CliRun.of(
            "index",
            "--index",
            index,
            "--shards",
            "2",
            "--replicas",
            "2",
            "--model",
            "test",
            "--device",
            "cpu",
            lib.toString());
    assertEquals(0, first.status(), first.err());
    assertEquals(11, JSON.readTree(first.out()).get("added").asInt());
    assertEquals(
        0,
        CliRun.of("index", "--index", local, "--model", "test", "--device", "cpu", lib.toString())
            .status());
    JsonNode again =
        JSON.readTree(
            CliRun.of(
                    "index", "--index", index, "--model", "test", "--device", "cpu", lib.toString())
                .out());
    assertEquals(11, again.get("unchanged").asInt());

    JsonNode status = JSON.readTree(CliRun.of("cluster", "status", "--index", index).out());
    assertEquals(2, status.get("shards").asInt());
    assertEquals(2, status.get("replication_factor").asInt());
    assertEquals(11, status.get("documents").asInt());

    JsonNode stats = JSON.readTree(CliRun.of("stats", "--index", index).out());
    assertEquals(11, stats.get("documents").asInt());
    assertEquals(2, stats.get("segments").asInt());
    assertEquals(1792, stats.get("dimensions").asInt());
    assertTrue(stats.get("bytes").asLong() > 0);

    // The same answers as the embedded index on the same files
    String id = dss.index.ImageRecord.idFor(lib.resolve("b/p3.jpg").toString());
    JsonNode onSolr =
        JSON.readTree(CliRun.of("search", "--index", index, "--id", id, "-k", "5").out());
    JsonNode onDisk =
        JSON.readTree(CliRun.of("search", "--index", local, "--id", id, "-k", "5").out());
    assertEquals(id, onSolr.get("results").get(0).get("id").asText());
    assertEquals(fields(onDisk, "id"), fields(onSolr, "id"));
    for (int i = 0; i < 5; i++) {
      assertEquals(
          onDisk.get("results").get(i).get("distance").asDouble(),
          onSolr.get("results").get(i).get("distance").asDouble(),
          1e-5);
    }
    CliRun searchFile =
        CliRun.of(
            "search",
            "--index",
            index,
            "--device",
            "cpu",
            lib.resolve("a/p4.jpg").toString(),
            "-k",
            "1");
    assertEquals(0, searchFile.status(), searchFile.err());
    assertEquals(
        lib.resolve("a/p4.jpg").toString(),
        JSON.readTree(searchFile.out()).get("results").get(0).get("path").asText());

    JsonNode dedupSolr =
        JSON.readTree(CliRun.of("dedup", "--index", index, "--threshold", "0.2").out());
    JsonNode dedupDisk =
        JSON.readTree(CliRun.of("dedup", "--index", local, "--threshold", "0.2").out());
    assertEquals(dedupDisk.get("groups").toString(), dedupSolr.get("groups").toString());
    assertEquals(11, dedupSolr.get("images").asInt());

    CliRun deleted = CliRun.of("cluster", "delete", "--index", index);
    assertEquals(0, deleted.status(), deleted.err());
    assertTrue(JSON.readTree(deleted.out()).get("deleted").asBoolean());
    CliRun gone = CliRun.of("stats", "--index", index);
    assertEquals(1, gone.status());
    assertTrue(gone.err().contains("no collection photos"), gone.err());
  }

  @Test
  void killNineMidRunThenResumeGivesTheExactCountWithoutDuplicates() throws Exception {
    int images = 40;
    Path lib = tmp.resolve("crash");
    library(lib, images);
    String index = "solr://" + host + "/crash";
    List<String> command = new ArrayList<>(java());
    command.addAll(
        List.of(
            "dss.cli.Main",
            "index",
            "--index",
            index,
            "--shards",
            "2",
            "--model",
            "test",
            "--device",
            "cpu",
            "--threads",
            "1",
            "--decode-threads",
            "1",
            "--commit-every",
            "5",
            lib.toString()));
    Process child =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(tmp.resolve("child.log").toFile())
            .start();
    long committed;
    try {
      committed = awaitSomeCommitted(index, child);
    } finally {
      child.destroyForcibly(); // SIGKILL: no shutdown hook, no close, no final commit
      child.waitFor(30, TimeUnit.SECONDS);
    }
    long afterKill;
    try (ImageIndex solrIndex = SolrIndex.openReadOnly(index)) {
      afterKill = solrIndex.count();
    }
    assertTrue(
        afterKill >= committed && afterKill < images,
        "killed mid-run: " + afterKill + " of " + images);

    CliRun resumed =
        CliRun.of("index", "--index", index, "--model", "test", "--device", "cpu", lib.toString());
    assertEquals(0, resumed.status(), resumed.err());
    JsonNode summary = JSON.readTree(resumed.out());
    assertEquals(afterKill, summary.get("unchanged").asLong(), "what was committed is not redone");
    assertEquals(images - afterKill, summary.get("added").asLong());
    try (ImageIndex solrIndex = SolrIndex.openReadOnly(index);
        ImageIndex.Snapshot s = solrIndex.snapshot()) {
      assertEquals(images, solrIndex.count(), "exact count");
      Set<String> paths = new HashSet<>();
      for (int item = 0; item < s.items(); item++) paths.add(s.record(item).path());
      assertEquals(images, s.items(), "one document per file");
      assertEquals(images, paths.size(), "no duplicates");
    }
  }

  private static long awaitSomeCommitted(String index, Process child) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      assertTrue(child.isAlive(), "the child indexer exited early: see child.log");
      try (ImageIndex open = SolrIndex.openReadOnly(index)) {
        long n = open.count();
        if (n > 0) return n;
      } catch (dss.index.IndexException notYet) {
        // the child has not created the collection yet
      }
      // A poll, not an event: the child commits to a Solr cluster in other JVMs, and Solr's HTTP
      // API has no way to wait for a commit.
      Thread.sleep(20);
    }
    throw new AssertionError("no commit within 120 s");
  }

  @Test
  void anUnreachableClusterIsAUsageErrorNamingTheUrlAndNothingIsWritten() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort(); // free once closed: nothing listens there
    }
    Path root = Files.createDirectories(tmp.resolve("empty-root"));
    Path lib = tmp.resolve("unreached");
    library(lib, 2);
    String model = TestModels.testModel().toString();
    String index = "solr://127.0.0.1:" + port + "/photos";
    System.setProperty("dss.solr.connectSeconds", "1");
    try {
      for (String[] args :
          List.of(
              new String[] {
                "index", "--index", index, "--model", model, "--device", "cpu", lib.toString()
              },
              new String[] {"search", "--index", index, "--id", "0123"},
              new String[] {
                "serve", "--index", index, "--model", model, "--device", "cpu", "--port", "0"
              })) {
        CliRun run = CliRun.in(root, args);
        assertEquals(2, run.status(), args[0] + ": " + run.err());
        assertTrue(run.err().contains("http://127.0.0.1:" + port + "/solr"), run.err());
        assertTrue(run.out().isEmpty(), run.out());
      }
    } finally {
      System.clearProperty("dss.solr.connectSeconds");
    }
    try (Stream<Path> files = Files.list(root)) {
      assertEquals(List.of(), files.toList(), "nothing written locally");
    }
    try (Stream<Path> files = Files.walk(lib)) {
      assertEquals(5, files.count(), "the library is untouched (itself, 2 folders, 2 images)");
    }
  }

  static List<String> fields(JsonNode search, String field) {
    List<String> out = new ArrayList<>();
    search.get("results").forEach(r -> out.add(r.get(field).asText()));
    return out;
  }

  interface Io {
    void run() throws Exception;
  }

  static void assertThrowsIo(Io io) {
    try {
      io.run();
    } catch (java.io.IOException expected) {
      return;
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    assertFalse(true, "the cluster still answers after SIGTERM");
  }
}
