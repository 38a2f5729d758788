package dss.index.solr;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dss.model.TestModels;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A real local SolrCloud for tests: the cluster module's LocalCluster (3 Solr 9 nodes and
 * ZooKeeper, each a JVM of its own, under a supervisor JVM) as a child process, started once per
 * test JVM and shared by the test classes that need it, stopped when the JVM exits (and by the
 * supervisor itself if this JVM dies: it stops at the end of its standard input). The supervisor's
 * log is {@code target/solr-cluster.log} of the module under test, each node's is in the cluster's
 * folder ({@code logs/}). Public: the web and indexer modules' tests use it through the engine's
 * test-jar.
 */
public final class TestCluster implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static TestCluster shared;

  private final Process process;
  private final Writer control;
  private final BlockingQueue<String> replies = new LinkedBlockingQueue<>();
  private final String solr;
  private final List<String> nodes = new ArrayList<>();
  private final Path dir;

  private TestCluster(Process process, String solr, JsonNode description, BufferedReader out) {
    this.process = process;
    this.control =
        new java.io.OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    this.solr = solr;
    this.dir = Path.of(description.path("dir").asText());
    description.path("nodes").forEach(n -> nodes.add(n.asText()));
    Thread.ofPlatform()
        .daemon()
        .name("solr-cluster-out")
        .start(
            () -> {
              try {
                for (String line = out.readLine(); line != null; line = out.readLine())
                  replies.add(line);
              } catch (IOException ignored) {
                // the cluster stopped
              }
            });
  }

  /** The JVM-wide cluster of 3 nodes, started at the first call (10-20 s). */
  public static synchronized TestCluster shared() throws IOException {
    if (shared == null) {
      shared = start(3);
      TestCluster started = shared;
      Runtime.getRuntime().addShutdownHook(new Thread(started::stop, "solr-cluster-stop"));
    }
    return shared;
  }

  /**
   * The command that runs LocalCluster: this JVM's java, the cluster module's classes and classpath
   * file.
   */
  public static List<String> javaCommand(String heap) throws IOException {
    Path module = TestModels.root().resolve("cluster/target");
    Path classpath = module.resolve("classpath.txt");
    if (!Files.isRegularFile(classpath)) {
      throw new IOException(
          classpath + " is missing: build the cluster module first (mvn -pl cluster compile)");
    }
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + heap,
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "--enable-native-access=ALL-UNNAMED"));
    if (Runtime.version().feature() >= 23) command.add("--sun-misc-unsafe-memory-access=allow");
    command.addAll(
        List.of(
            "-cp",
            module.resolve("classes") + File.pathSeparator + Files.readString(classpath).trim(),
            "dss.cluster.LocalCluster"));
    return command;
  }

  /**
   * A cluster of its own for a test that stops or restarts all of it; close it at the end.
   *
   * @param dir its folder, null for a temporary one
   */
  public static TestCluster start(int nodes, Path dir) throws IOException {
    List<String> command = javaCommand("128m");
    command.addAll(List.of("--nodes", Integer.toString(nodes), "--heap", "384m", "--control"));
    if (dir != null) command.addAll(List.of("--dir", dir.toString()));
    return start(command, "solr-cluster-" + nodes + "-" + System.nanoTime() + ".log");
  }

  private static TestCluster start(int nodes) throws IOException {
    List<String> command = javaCommand("128m");
    // a folder under target/, kept after the run: the nodes' logs for a post-mortem
    Path dir = Path.of("target", "solr-cluster-" + System.currentTimeMillis()).toAbsolutePath();
    command.addAll(
        List.of(
            "--nodes",
            Integer.toString(nodes),
            "--heap",
            "384m",
            "--dir",
            dir.toString(),
            "--control"));
    return start(command, "solr-cluster.log");
  }

  private static TestCluster start(List<String> command, String logName) throws IOException {
    Path log = Path.of("target", logName).toAbsolutePath();
    Files.createDirectories(log.getParent());
    Process process = new ProcessBuilder(command).redirectError(log.toFile()).start();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    String first = out.readLine(); // blocks until every node answers, or the child dies
    if (first == null) {
      process.destroyForcibly();
      throw new IOException("the local Solr cluster did not start: see " + log);
    }
    JsonNode description = JSON.readTree(first);
    return new TestCluster(process, description.path("solr").asText(), description, out);
  }

  /** The first node's Solr URL, http://127.0.0.1:PORT/solr. */
  public String solr() {
    return solr;
  }

  public List<String> nodes() {
    return List.copyOf(nodes);
  }

  /** {@code solr://127.0.0.1:PORT/COLLECTION} on the first node. */
  public String location(String collection) {
    return location(collection, 1);
  }

  /** {@code solr://127.0.0.1:PORT/COLLECTION} on node {@code n} (1-based). */
  public String location(String collection, int n) {
    String url = nodes.get(n - 1);
    return "solr://"
        + url.substring("http://".length(), url.length() - "/solr".length())
        + "/"
        + collection;
  }

  /** Stops node {@code n} (1-based): its Jetty and cores; returns once it is stopped. */
  public void stopNode(int n) throws IOException {
    command("stop " + n, "stopped");
  }

  /** Starts node {@code n} again on its port; returns once it is live. */
  public void startNode(int n) throws IOException {
    command("start " + n, "started");
  }

  /** Kills node {@code n} (1-based) with SIGKILL: no clean stop; returns once it is gone. */
  public void killNode(int n) throws IOException {
    command("kill " + n, "killed");
  }

  /** Stops every node, then ZooKeeper (their data stays); returns once all are stopped. */
  public void stopAll() throws IOException {
    command("stop all", "stopped");
  }

  /** Starts ZooKeeper and every node again on their ports; returns once all are live. */
  public void startAll() throws IOException {
    command("start all", "started");
  }

  /**
   * The image ids each replica of each shard holds, read from each core on its own ({@code
   * distrib=false}, its latest commit): shard name to one set per replica.
   */
  public java.util.Map<String, List<java.util.Set<String>>> replicaIds(String collection)
      throws IOException {
    java.util.Map<String, List<java.util.Set<String>>> byShard = new java.util.TreeMap<>();
    try (java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient()) {
      JsonNode shards =
          getJson(http, solr + "/admin/collections?action=CLUSTERSTATUS&wt=json")
              .path("cluster")
              .path("collections")
              .path(collection)
              .path("shards");
      for (var shard : shards.properties()) {
        List<java.util.Set<String>> replicas = new ArrayList<>();
        for (JsonNode replica : shard.getValue().path("replicas")) {
          String core = replica.path("base_url").asText() + "/" + replica.path("core").asText();
          java.util.Set<String> ids = new java.util.TreeSet<>();
          for (JsonNode doc :
              getJson(
                      http,
                      core
                          + "/select?wt=json&distrib=false&rows=1000000&fl=id&q="
                          + java.net.URLEncoder.encode(SolrIndex.IMAGES, StandardCharsets.UTF_8))
                  .path("response")
                  .path("docs")) ids.add(doc.path("id").asText());
          replicas.add(ids);
        }
        byShard.put(shard.getKey(), replicas);
      }
    }
    return byShard;
  }

  private static JsonNode getJson(java.net.http.HttpClient http, String url) throws IOException {
    try {
      java.net.http.HttpResponse<String> r =
          http.send(
              java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).build(),
              java.net.http.HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200)
        throw new IOException(url + " answered " + r.statusCode() + ": " + r.body());
      return JSON.readTree(r.body());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  /** The cluster's folder (data, logs, pids). */
  public Path dir() {
    return dir;
  }

  private synchronized void command(String line, String expected) throws IOException {
    replies.clear();
    control.write(line + "\n");
    control.flush();
    try {
      String reply = replies.poll(300, TimeUnit.SECONDS);
      if (reply == null || !JSON.readTree(reply).has(expected)) {
        throw new IOException("cluster command '" + line + "' answered " + reply);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  @Override
  public void close() {
    stop();
  }

  private void stop() {
    try {
      control.write("quit\n");
      control.close();
      if (!process.waitFor(120, TimeUnit.SECONDS)) process.destroyForcibly();
    } catch (IOException | InterruptedException e) {
      process.destroyForcibly();
    }
  }
}
