package dss.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throwaway local SolrCloud for tests and trials: ZooKeeper ({@link ZooKeeperNode}) and N Solr
 * nodes ({@link SolrNode}), each in a JVM of its own, started and watched by this process (the
 * supervisor). Every process stops when the supervisor ends, even by kill -9 (each watches it), so
 * a cluster outlives nobody by accident. No configset is uploaded here: the dreamsim engine uploads
 * its own through the Configsets API when it creates a collection, as it does on a real cluster.
 *
 * <pre>
 * java -cp cluster/target/classes:$(cat cluster/target/classpath.txt) dss.cluster.LocalCluster \
 *     [--nodes N] [--port P] [--dir DIR] [--heap 512m] [--control]
 * ... LocalCluster stop --dir DIR [--node N]      # the whole cluster (its supervisor), or node N
 * ... LocalCluster start-node --dir DIR --node N  # node N again, in a running cluster
 * </pre>
 *
 * Node i (1-based) listens on P + i - 1 (P = 0: free ports). The ports are kept in DIR at the first
 * start and reused when the cluster starts again on DIR (the cores and ZooKeeper's data are kept
 * too). Once every node is live, one JSON line goes to stdout: {@code {"solr":
 * "http://127.0.0.1:P/solr", "nodes": [...], "zk": "127.0.0.1:Z/solr", "dir": DIR}}; each process
 * logs to {@code DIR/logs/NAME.log}. SIGTERM or Ctrl-C stops the nodes, then ZooKeeper, cleanly.
 * DIR defaults to a temporary folder, deleted at exit.
 *
 * <p>With {@code --control}, standard input takes commands, one per line, each answered by one JSON
 * line on stdout: {@code stop N} (SIGTERM to node N, once it is gone: {@code {"stopped": N}}),
 * {@code kill N} (SIGKILL: {@code {"killed": N}}), {@code start N} (start it again on its port,
 * once it is live: {@code {"started": N, "url": ...}}), {@code stop all} / {@code start all} (every
 * node and ZooKeeper), {@code quit}. End of input stops the cluster too.
 */
public final class LocalCluster {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration START_TIMEOUT = Duration.ofSeconds(180);

  private final ClusterDir dir;
  private final ClusterDir.Layout layout;
  private final boolean deleteDir;
  private final String heap;
  private final PrintStream out;
  private final HttpClient http = HttpClient.newHttpClient();

  private LocalCluster(
      ClusterDir dir, ClusterDir.Layout layout, boolean deleteDir, String heap, PrintStream out) {
    this.dir = dir;
    this.layout = layout;
    this.deleteDir = deleteDir;
    this.heap = heap;
    this.out = out;
  }

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("stop")) {
      System.exit(stop(args));
    }
    if (args.length > 0 && args[0].equals("start-node")) {
      System.exit(startNode(args));
    }
    int nodes = 3;
    int port = 0;
    Path given = null;
    String heap = "512m";
    boolean control = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--nodes" -> nodes = Integer.parseInt(args[++i]);
        case "--port" -> port = Integer.parseInt(args[++i]);
        case "--dir" -> given = Path.of(args[++i]);
        case "--heap" -> heap = args[++i];
        case "--control" -> control = true;
        default -> usage();
      }
    }
    if (nodes < 1 || port < 0 || port + nodes - 1 > 65535) {
      System.err.println("cluster: --nodes must be at least 1 and --port 0..65535");
      System.exit(2);
    }
    // stdout carries the JSON lines only: whatever else writes to System.out goes to stderr
    PrintStream out =
        new PrintStream(
            new java.io.FileOutputStream(java.io.FileDescriptor.out), true, StandardCharsets.UTF_8);
    System.setOut(System.err);

    boolean temporary = given == null;
    ClusterDir dir =
        new ClusterDir(
            temporary
                ? Files.createTempDirectory("dreamsim-cluster")
                : Files.createDirectories(given));
    Optional<ProcessHandle> running = dir.process(ClusterDir.SUPERVISOR);
    if (running.isPresent()) {
      System.err.println(
          "cluster: a cluster already runs in "
              + dir.path()
              + " (pid "
              + running.get().pid()
              + "); stop it first: dreamsim cluster stop --dir "
              + dir.path());
      System.exit(2);
    }
    Optional<ClusterDir.Layout> existing = dir.layout();
    ClusterDir.Layout layout;
    if (existing.isPresent()) {
      layout = existing.get();
      if (layout.nodes() != nodes || (port != 0 && layout.nodePorts().get(0) != port)) {
        System.err.println(
            "cluster: "
                + dir.path()
                + " holds a cluster of "
                + layout.nodes()
                + " nodes from port "
                + layout.nodePorts().get(0)
                + "; it starts again as it was");
      }
    } else {
      layout = dir.newLayout(nodes, port);
    }
    dir.writePid(ClusterDir.SUPERVISOR);
    LocalCluster local = new LocalCluster(dir, layout, temporary, heap, out);

    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  local.shutdown();
                  stopped.countDown();
                },
                "cluster-shutdown"));
    try {
      local.startAll();
    } catch (IOException e) {
      System.err.println("cluster: " + e.getMessage());
      System.exit(1); // the hook stops what did start
    }
    out.println(local.describe());
    if (control) {
      local.serve(new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)));
      System.exit(0); // runs the hook: a clean stop
    }
    stopped.await();
  }

  private static void usage() {
    System.err.println(
        "usage: LocalCluster [--nodes N] [--port P] [--dir DIR] [--heap H] [--control]\n"
            + "       LocalCluster stop --dir DIR [--node N]\n"
            + "       LocalCluster start-node --dir DIR --node N");
    System.exit(2);
  }

  // ---- starting and stopping the processes

  private void startAll() throws IOException {
    startZooKeeper();
    List<IoTask> starts = new ArrayList<>();
    for (int n = 1; n <= layout.nodes(); n++) {
      int node = n;
      starts.add(() -> startNode(node));
    }
    inParallel(starts);
    waitForLiveNodes(layout.nodes());
  }

  private interface IoTask {
    void run() throws IOException;
  }

  /** Runs the tasks at once (the JVMs start side by side), rethrowing the first failure. */
  private static void inParallel(List<IoTask> tasks) throws IOException {
    try (var executor = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
      List<java.util.concurrent.Future<?>> running = new ArrayList<>();
      for (IoTask task : tasks)
        running.add(
            executor.submit(
                () -> {
                  task.run();
                  return null;
                }));
      for (java.util.concurrent.Future<?> f : running) {
        try {
          f.get();
        } catch (java.util.concurrent.ExecutionException e) {
          throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new java.io.InterruptedIOException();
        }
      }
    }
  }

  private void startZooKeeper() throws IOException {
    if (dir.process(ClusterDir.ZOOKEEPER).isPresent()) return;
    List<String> command = javaCommand("128m", ZooKeeperNode.class);
    command.addAll(
        List.of(
            "--dir", dir.path().toString(),
            "--port", Integer.toString(layout.zkPort()),
            "--watch", Long.toString(ProcessHandle.current().pid())));
    launch(ClusterDir.ZOOKEEPER, command);
  }

  private void startNode(int n) throws IOException {
    if (dir.process(ClusterDir.node(n)).isPresent()) return;
    launch(ClusterDir.node(n), nodeCommand(dir, layout, n, heap, ProcessHandle.current().pid()));
  }

  private static List<String> nodeCommand(
      ClusterDir dir, ClusterDir.Layout layout, int n, String heap, long watch) {
    List<String> command = javaCommand(heap, SolrNode.class);
    command.addAll(
        List.of(
            "--dir", dir.path().toString(),
            "--node", Integer.toString(n),
            "--port", Integer.toString(layout.nodePorts().get(n - 1)),
            "--zk", zkAddress(layout),
            "--watch", Long.toString(watch)));
    return command;
  }

  /**
   * Starts a process logging to {@code DIR/logs/NAME.log}; returns once it has written its pid file
   * (it serves), or fails naming the log when it ends first.
   */
  private static void launch(ClusterDir dir, String name, List<String> command) throws IOException {
    Path log = dir.log(name);
    Files.createDirectories(log.getParent());
    Process process =
        new ProcessBuilder(command)
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .redirectErrorStream(true)
            .start();
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (true) {
      Optional<ProcessHandle> started = dir.process(name);
      if (started.isPresent() && started.get().pid() == process.pid()) return;
      if (!process.isAlive())
        throw new IOException(
            name + " ended at start (exit " + process.exitValue() + "); see " + log);
      if (System.nanoTime() > deadline) {
        process.destroyForcibly();
        throw new IOException(
            name + " did not start within " + START_TIMEOUT.toSeconds() + " s; see " + log);
      }
      sleep(100);
    }
  }

  private void launch(String name, List<String> command) throws IOException {
    launch(dir, name, command);
  }

  /** The JVM running {@code main}: this JVM's java and options (but the heap), classpath. */
  private static List<String> javaCommand(String heap, Class<?> main) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (!arg.startsWith("-Xmx") && !arg.startsWith("-Xms") && !arg.startsWith("-agentlib"))
        command.add(arg);
    }
    command.add("-Xmx" + heap);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(main.getName());
    return command;
  }

  private static String zkAddress(ClusterDir.Layout layout) {
    return "127.0.0.1:" + layout.zkPort() + "/solr";
  }

  /** SIGTERM to NAME's process, then waits for it (SIGKILL after 60 s); false when none ran. */
  private static boolean terminate(ClusterDir dir, String name, boolean kill) {
    Optional<ProcessHandle> process = dir.process(name);
    if (process.isEmpty()) return false;
    ProcessHandle handle = process.get();
    if (kill) handle.destroyForcibly();
    else handle.destroy();
    try {
      handle.onExit().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      handle.destroyForcibly();
      try {
        handle.onExit().get(30, TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // reported by the caller's next look at the pid file
      }
    }
    return true;
  }

  private void stopAll() {
    List<IoTask> stops = new ArrayList<>();
    for (int n = 1; n <= layout.nodes(); n++) {
      String name = ClusterDir.node(n);
      stops.add(() -> terminate(dir, name, false));
    }
    try {
      inParallel(stops);
    } catch (IOException e) {
      System.err.println("cluster: stopping the nodes: " + e);
    }
    terminate(dir, ClusterDir.ZOOKEEPER, false);
  }

  private synchronized void shutdown() {
    stopAll();
    dir.clearPid(ClusterDir.SUPERVISOR);
    if (deleteDir) {
      try (Stream<Path> walk = Files.walk(dir.path())) {
        walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        System.err.println("cluster: could not delete " + dir.path() + ": " + e);
      }
    }
  }

  /** Waits until ZooKeeper lists {@code count} live nodes (asked through any node that answers). */
  private void waitForLiveNodes(int count) throws IOException {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (true) {
      for (int n = 1; n <= layout.nodes(); n++) {
        try {
          HttpResponse<String> response =
              http.send(
                  HttpRequest.newBuilder(
                          URI.create(url(n) + "/admin/collections?action=CLUSTERSTATUS&wt=json"))
                      .timeout(Duration.ofSeconds(10))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
          if (response.statusCode() == 200) {
            JsonNode live = JSON.readTree(response.body()).path("cluster").path("live_nodes");
            if (live.size() >= count) return;
            break;
          }
        } catch (IOException e) {
          // not this node: the next
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new java.io.InterruptedIOException();
        }
      }
      if (System.nanoTime() > deadline)
        throw new IOException(
            "the nodes did not all join within "
                + START_TIMEOUT.toSeconds()
                + " s; see "
                + dir.path().resolve("logs"));
      sleep(250);
    }
  }

  /** Waits until node {@code n} is in the live nodes again. */
  private void waitForNode(int n) throws IOException {
    String name = "127.0.0.1:" + layout.nodePorts().get(n - 1) + "_solr";
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        HttpResponse<String> response =
            http.send(
                HttpRequest.newBuilder(
                        URI.create(url(n) + "/admin/collections?action=CLUSTERSTATUS&wt=json"))
                    .timeout(Duration.ofSeconds(10))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 200) {
          for (JsonNode live : JSON.readTree(response.body()).path("cluster").path("live_nodes"))
            if (live.asText().equals(name)) return;
        }
      } catch (IOException e) {
        // not up yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException();
      }
      sleep(250);
    }
    throw new IOException(ClusterDir.node(n) + " did not join; see " + dir.log(ClusterDir.node(n)));
  }

  private String url(int n) {
    return "http://127.0.0.1:" + layout.nodePorts().get(n - 1) + "/solr";
  }

  private String describe() {
    List<String> urls = new ArrayList<>();
    for (int n = 1; n <= layout.nodes(); n++) urls.add(quote(url(n)));
    return "{\"solr\": "
        + urls.get(0)
        + ", \"nodes\": ["
        + String.join(", ", urls)
        + "], \"zk\": "
        + quote(zkAddress(layout))
        + ", \"dir\": "
        + quote(dir.path().toString())
        + "}";
  }

  /** Reads control commands until {@code quit} or end of input. */
  private void serve(BufferedReader in) throws IOException {
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      String[] words = line.trim().split("\\s+");
      try {
        switch (words[0]) {
          case "" -> {}
          case "quit" -> {
            return;
          }
          case "stop", "kill" -> {
            boolean kill = words[0].equals("kill");
            if (words[1].equals("all")) {
              stopAll();
              out.println("{\"stopped\": \"all\"}");
            } else {
              int n = node(words[1]);
              terminate(dir, ClusterDir.node(n), kill);
              out.println("{\"" + (kill ? "killed" : "stopped") + "\": " + n + "}");
            }
          }
          case "start" -> {
            if (words[1].equals("all")) {
              startAll();
              out.println("{\"started\": \"all\"}");
            } else {
              int n = node(words[1]);
              startNode(n);
              waitForNode(n);
              out.println("{\"started\": " + n + ", \"url\": " + quote(url(n)) + "}");
            }
          }
          default -> out.println("{\"error\": " + quote("unknown command: " + line) + "}");
        }
      } catch (Exception e) {
        out.println("{\"error\": " + quote(line + ": " + e) + "}");
      }
    }
  }

  private int node(String word) {
    int n = Integer.parseInt(word);
    if (n < 1 || n > layout.nodes()) throw new IllegalArgumentException("no node " + n);
    return n;
  }

  // ---- the commands on a running cluster (from another process)

  /**
   * {@code stop --dir DIR [--node N]}: prints {"stopped": [...]} and exits 0, or 1 when nothing
   * ran.
   */
  private static int stop(String[] args) throws IOException {
    ClusterDir dir = new ClusterDir(Path.of(NodeMain.required(args, "--dir")));
    String node = NodeMain.option(args, "--node");
    List<String> stopped = new ArrayList<>();
    if (node != null) {
      int n = Integer.parseInt(node);
      String name = ClusterDir.node(n);
      if (terminate(dir, name, false)) stopped.add(quote(name));
    } else if (terminate(dir, ClusterDir.SUPERVISOR, false)) {
      stopped.add(quote("cluster")); // its hook stopped the nodes and ZooKeeper
    } else { // no supervisor (killed): its processes end by themselves; make sure
      Optional<ClusterDir.Layout> layout = dir.layout();
      for (int n = 1; layout.isPresent() && n <= layout.get().nodes(); n++)
        if (terminate(dir, ClusterDir.node(n), false)) stopped.add(quote(ClusterDir.node(n)));
      if (terminate(dir, ClusterDir.ZOOKEEPER, false)) stopped.add(quote(ClusterDir.ZOOKEEPER));
    }
    System.out.println(
        "{\"dir\": "
            + quote(dir.path().toString())
            + ", \"stopped\": ["
            + String.join(", ", stopped)
            + "]}");
    if (stopped.isEmpty()) {
      System.err.println(
          "cluster: nothing was running in "
              + dir.path()
              + (node == null ? "" : " as node " + node));
      return 1;
    }
    return 0;
  }

  /**
   * {@code start-node --dir DIR --node N [--heap H]}: node N again in the cluster running in DIR.
   */
  private static int startNode(String[] args) throws IOException {
    ClusterDir dir = new ClusterDir(Path.of(NodeMain.required(args, "--dir")));
    int n = Integer.parseInt(NodeMain.required(args, "--node"));
    String heap = Optional.ofNullable(NodeMain.option(args, "--heap")).orElse("512m");
    Optional<ProcessHandle> supervisor = dir.process(ClusterDir.SUPERVISOR);
    Optional<ClusterDir.Layout> layout = dir.layout();
    if (supervisor.isEmpty() || layout.isEmpty()) {
      System.err.println(
          "cluster: no cluster runs in "
              + dir.path()
              + "; start it with dreamsim cluster start --dir "
              + dir.path());
      return 2;
    }
    if (n < 1 || n > layout.get().nodes()) {
      System.err.println("cluster: --node must be 1.." + layout.get().nodes());
      return 2;
    }
    LocalCluster local = new LocalCluster(dir, layout.get(), false, heap, System.out);
    if (dir.process(ClusterDir.node(n)).isEmpty()) {
      launch(
          dir, ClusterDir.node(n), nodeCommand(dir, layout.get(), n, heap, supervisor.get().pid()));
    }
    local.waitForNode(n);
    System.out.println("{\"started\": " + n + ", \"url\": " + quote(local.url(n)) + "}");
    return 0;
  }

  private static void sleep(long ms) throws IOException {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException();
    }
  }

  private static String quote(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') sb.append('\\').append(c);
      else if (c < 0x20) sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
      else sb.append(c);
    }
    return sb.append('"').toString();
  }
}
