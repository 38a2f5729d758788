package dss.cluster;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import org.apache.solr.cloud.MiniSolrCloudCluster;
import org.apache.solr.embedded.JettyConfig;
import org.apache.solr.embedded.JettySolrRunner;

/**
 * A throwaway local SolrCloud for tests and trials: N Solr nodes (Jetty) and an embedded ZooKeeper
 * in this JVM, from Solr's own test framework ({@link MiniSolrCloudCluster}). No configset is
 * uploaded here: the dreamsim engine uploads its own through the Configsets API when it creates a
 * collection, as it does on a real cluster.
 *
 * <pre>
 * java -cp cluster/target/classes:$(cat cluster/target/classpath.txt) dss.cluster.LocalCluster \
 *     [--nodes N] [--port P] [--dir DIR] [--control]
 * </pre>
 *
 * Node i (1-based) listens on P + i - 1 (P = 0: free ports). Once every node answers, one JSON line
 * goes to stdout: {@code {"solr": "http://127.0.0.1:P/solr", "nodes": [...], "zk": "127.0.0.1:Z"}};
 * logs go to stderr. SIGTERM or Ctrl-C stops the nodes and ZooKeeper cleanly. DIR (default: a
 * temporary folder, deleted at exit) holds ZooKeeper's and the nodes' data.
 *
 * <p>With {@code --control}, standard input takes commands, one per line, each answered by one JSON
 * line on stdout: {@code stop N} (stop node N's Jetty: {@code {"stopped": N}}), {@code start N}
 * (restart it on its port, once it is live: {@code {"started": N, "url": ...}}), {@code quit}. End
 * of input stops the cluster too, so a cluster started by a process that dies (even by kill -9)
 * does not outlive it.
 */
public final class LocalCluster {
  private static final java.util.logging.Logger JERSEY =
      java.util.logging.Logger.getLogger("org.glassfish.jersey");

  private final MiniSolrCloudCluster cluster;

  /** Node i + 1: the cluster's own list drops stopped nodes, so numbers would shift. */
  private final List<JettySolrRunner> nodes;

  private final Path dir;
  private final boolean deleteDir;
  private final PrintStream out;

  private LocalCluster(MiniSolrCloudCluster cluster, Path dir, boolean deleteDir, PrintStream out) {
    this.cluster = cluster;
    this.nodes = List.copyOf(cluster.getJettySolrRunners());
    this.dir = dir;
    this.deleteDir = deleteDir;
    this.out = out;
  }

  public static void main(String[] args) throws Exception {
    int nodes = 3;
    int port = 0;
    Path dir = null;
    boolean control = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--nodes" -> nodes = Integer.parseInt(args[++i]);
        case "--port" -> port = Integer.parseInt(args[++i]);
        case "--dir" -> dir = Path.of(args[++i]);
        case "--control" -> control = true;
        default -> {
          System.err.println("usage: LocalCluster [--nodes N] [--port P] [--dir DIR] [--control]");
          System.exit(2);
        }
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

    boolean temporary = dir == null;
    Path base =
        temporary ? Files.createTempDirectory("dreamsim-cluster") : Files.createDirectories(dir);
    System.setProperty("solr.log.dir", base.resolve("logs").toString());
    JERSEY.setLevel(java.util.logging.Level.SEVERE); // a harmless start-up warning per node
    LocalCluster local = start(nodes, port, base.toAbsolutePath(), temporary, out);

    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              local.shutdown();
              stopped.countDown();
            },
            "cluster-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    out.println(local.describe());
    if (control) {
      local.serve(new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)));
      System.exit(0); // runs the hook: a clean stop
    }
    stopped.await();
  }

  private static LocalCluster start(
      int nodes, int port, Path base, boolean temporary, PrintStream out) throws Exception {
    JettyConfig none = JettyConfig.builder().setContext("/solr").stopAtShutdown(false).build();
    MiniSolrCloudCluster cluster =
        new MiniSolrCloudCluster(0, base, MiniSolrCloudCluster.DEFAULT_CLOUD_SOLR_XML, none);
    try {
      for (int i = 0; i < nodes; i++) {
        JettyConfig config =
            JettyConfig.builder()
                .setContext("/solr")
                .stopAtShutdown(false)
                .setPort(port == 0 ? 0 : port + i)
                .build();
        cluster.startJettySolrRunner("node" + (i + 1), "/solr", config);
      }
      cluster.waitForAllNodes(60);
    } catch (Exception e) {
      cluster.shutdown();
      throw e;
    }
    return new LocalCluster(cluster, base, temporary, out);
  }

  private String describe() {
    List<String> urls = new ArrayList<>();
    for (JettySolrRunner jetty : nodes) urls.add(quote(url(jetty)));
    return "{\"solr\": "
        + urls.get(0)
        + ", \"nodes\": ["
        + String.join(", ", urls)
        + "], \"zk\": "
        + quote(cluster.getZkServer().getZkAddress())
        + ", \"dir\": "
        + quote(dir.toString())
        + "}";
  }

  private static String url(JettySolrRunner jetty) {
    return "http://127.0.0.1:" + jetty.getLocalPort() + "/solr";
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
          case "stop" -> {
            int n = Integer.parseInt(words[1]);
            JettySolrRunner jetty = nodes.get(n - 1);
            cluster.stopJettySolrRunner(jetty);
            cluster.waitForJettyToStop(jetty);
            out.println("{\"stopped\": " + n + "}");
          }
          case "start" -> {
            int n = Integer.parseInt(words[1]);
            JettySolrRunner jetty = nodes.get(n - 1);
            cluster.startJettySolrRunner(jetty, true);
            cluster.waitForNode(jetty, 60);
            out.println("{\"started\": " + n + ", \"url\": " + quote(url(jetty)) + "}");
          }
          default -> out.println("{\"error\": " + quote("unknown command: " + line) + "}");
        }
      } catch (Exception e) {
        out.println("{\"error\": " + quote(line + ": " + e) + "}");
      }
    }
  }

  private synchronized void shutdown() {
    try {
      cluster.shutdown();
    } catch (Exception e) {
      System.err.println("cluster: shutdown: " + e);
    }
    if (deleteDir) {
      try (Stream<Path> walk = Files.walk(dir)) {
        walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        System.err.println("cluster: could not delete " + dir + ": " + e);
      }
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

  static {
    // Quieter and lighter than a test run: no JMX, a log4j2 configuration of our own (warnings, on
    // stderr)
    System.setProperty("solr.disableJmxReporter", "true");
    System.setProperty("log4j2.configurationFile", "dss-cluster-log4j2.xml");
  }
}
