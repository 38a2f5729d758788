package dss.cli;

import dss.index.IndexConfig;
import dss.index.solr.SolrIndex;
import dss.index.solr.SolrLocation;
import dss.model.Embedder;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code dreamsim cluster}: SolrCloud collections for the {@code solr://} index backend (create,
 * status, delete), and a throwaway local SolrCloud to try it on (start). See docs/cluster.md.
 */
@Command(
    name = "cluster",
    description = "SolrCloud: a local throwaway cluster, and collections for --index solr://.",
    subcommands = {
      ClusterCommand.Start.class,
      ClusterCommand.Stop.class,
      ClusterCommand.Create.class,
      ClusterCommand.Status.class,
      ClusterCommand.Delete.class
    })
final class ClusterCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(
        spec.commandLine(), "a subcommand is required: start, stop, create, status or delete");
  }

  /**
   * Runs the cluster module's LocalCluster (the supervisor) in a child JVM, in the foreground,
   * until Ctrl-C / SIGTERM; it runs ZooKeeper and each node in a JVM of its own. With {@code --node
   * N}, starts node N again in the cluster running in {@code --dir} and returns once it is live.
   */
  @Command(
      name = "start",
      sortOptions = false,
      description = {
        "Start a throwaway local SolrCloud in the foreground: ZooKeeper and each Solr 9 node in a JVM of its own.",
        "Prints {\"solr\", \"nodes\", \"zk\", \"dir\"} on stdout once every node is live; Ctrl-C, SIGTERM or 'cluster stop --dir DIR' stops it.",
        "Starting again on the same --dir brings back its ports, collections and documents.",
        "With --dir DIR --node N: start node N again in the cluster running in DIR (after 'cluster stop --dir DIR --node N' or a kill).",
        "Then: ./dreamsim index --index solr://127.0.0.1:PORT/photos --shards 2 --replicas 2 DIR"
      })
  static final class Start implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
        names = "--nodes",
        defaultValue = "3",
        description = "Solr nodes (default: ${DEFAULT-VALUE}).")
    int nodes;

    @Option(
        names = "--port",
        defaultValue = "8983",
        description =
            "Port of the first node; node i listens on PORT + i - 1 (default: ${DEFAULT-VALUE}; 0 = free ports).")
    int port;

    @Option(
        names = "--dir",
        paramLabel = "DIR",
        description =
            "Where ZooKeeper and the nodes keep their data, ports, logs and pids (default: a temporary folder, deleted at exit); an existing DIR starts again as it was.")
    Path dir;

    @Option(
        names = "--node",
        paramLabel = "N",
        description = "Start only node N again, in the cluster running in --dir.")
    Integer node;

    @Option(
        names = "--heap",
        defaultValue = "1g",
        description = "Each Solr node's heap, -Xmx (default: ${DEFAULT-VALUE}).")
    String heap;

    @Override
    public Integer call() throws Exception {
      if (nodes < 1 || nodes > 16)
        throw new ParameterException(spec.commandLine(), "--nodes must be 1..16");
      if (port < 0 || port + nodes - 1 > 65535)
        throw new ParameterException(spec.commandLine(), "--port must be 0..65535");
      if (!heap.matches("[0-9]+[kKmMgG]?"))
        throw new ParameterException(
            spec.commandLine(), "--heap must be a size such as 512m or 1g, not '" + heap + "'");
      List<String> command = new ArrayList<>(javaCommand(Workspace.root(), "128m"));
      if (node != null) {
        if (dir == null)
          throw new ParameterException(
              spec.commandLine(), "--node needs the --dir of the running cluster");
        command.addAll(
            List.of(
                "start-node",
                "--dir",
                dir.toAbsolutePath().toString(),
                "--node",
                node.toString(),
                "--heap",
                heap));
        return runToEnd(command);
      }
      command.addAll(
          List.of(
              "--nodes",
              Integer.toString(nodes),
              "--port",
              Integer.toString(port),
              "--heap",
              heap,
              "--control"));
      if (dir != null) command.addAll(List.of("--dir", dir.toAbsolutePath().toString()));
      // stdout and stderr pass through; stdin is ours: when this process dies, even by kill -9, the
      // supervisor sees the end of its input and stops the cluster
      Process cluster =
          new ProcessBuilder(command)
              .redirectOutput(ProcessBuilder.Redirect.INHERIT)
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .start();
      Thread hook = new Thread(() -> stop(cluster), "cluster-stop");
      Runtime.getRuntime().addShutdownHook(hook);
      int status = cluster.waitFor();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running
      }
      return status;
    }

    private static void stop(Process cluster) {
      try (OutputStream in = cluster.getOutputStream()) {
        in.write("quit\n".getBytes(StandardCharsets.UTF_8));
      } catch (IOException gone) {
        // already stopping
      }
      try {
        if (!cluster.waitFor(120, TimeUnit.SECONDS)) cluster.destroyForcibly();
      } catch (InterruptedException e) {
        cluster.destroyForcibly();
      }
    }
  }

  /**
   * Stops the local cluster running in a folder (its supervisor stops every process), or one node.
   */
  @Command(
      name = "stop",
      sortOptions = false,
      description = {
        "Stop the local cluster running in --dir (every node, then ZooKeeper), or only node N with --node N.",
        "Prints {\"dir\", \"stopped\": [...]}; exit status 1 when nothing was running."
      })
  static final class Stop implements Callable<Integer> {
    @Option(
        names = "--dir",
        paramLabel = "DIR",
        required = true,
        description = "The cluster's folder (printed by 'cluster start').")
    Path dir;

    @Option(
        names = "--node",
        paramLabel = "N",
        description = "Stop only node N (SIGTERM; its replicas' peers take over).")
    Integer node;

    @Override
    public Integer call() throws Exception {
      List<String> command = new ArrayList<>(javaCommand(Workspace.root(), "64m"));
      command.addAll(List.of("stop", "--dir", dir.toAbsolutePath().toString()));
      if (node != null) command.addAll(List.of("--node", node.toString()));
      return runToEnd(command);
    }
  }

  /**
   * Runs a LocalCluster command to its end: its JSON line goes to our stdout (through System.out,
   * so that an in-process run captures it), its stderr passes through; its exit status is ours.
   */
  private static int runToEnd(List<String> command) throws IOException, InterruptedException {
    Process process =
        new ProcessBuilder(command)
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
            .start();
    try (var out = process.getInputStream()) {
      out.transferTo(System.out);
    }
    System.out.flush();
    return process.waitFor();
  }

  /**
   * The command that runs the local cluster: this JVM's java, the cluster module's classes and its
   * classpath file (written by the build), LocalCluster's main class. Tests use it too.
   */
  static List<String> javaCommand(Path root, String heap) throws IOException {
    Path module = root.resolve("cluster/target");
    Path classpath = module.resolve("classpath.txt");
    if (!Files.isRegularFile(classpath) || !Files.isDirectory(module.resolve("classes"))) {
      throw new IOException(
          "the local cluster is not built: "
              + classpath
              + " is missing (./dreamsim builds it;"
              + " or mvn -pl cluster compile)");
    }
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx" + heap);
    command.add("-XX:+UseSerialGC");
    if (Runtime.version().feature() >= 23) command.add("--sun-misc-unsafe-memory-access=allow");
    command.add("--enable-native-access=ALL-UNNAMED");
    command.add("-cp");
    command.add(
        module.resolve("classes")
            + java.io.File.pathSeparator
            + Files.readString(classpath).trim());
    command.add("dss.cluster.LocalCluster");
    return command;
  }

  /**
   * Creates a collection with the shipped configset, recording the model, as {@code index} would.
   */
  @Command(
      name = "create",
      sortOptions = false,
      description =
          "Create a collection for --index solr://HOST:PORT/COLLECTION; prints its status (as 'status').")
  static final class Create implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin IndexOptions indexOptions;

    @Mixin CollectionOptions collectionOptions;

    @Mixin ModelOptions modelOptions;

    @Option(names = "--hnsw-m", defaultValue = "16", description = "HNSW max connections per node.")
    int hnswM;

    @Option(
        names = "--hnsw-beam",
        defaultValue = "100",
        description = "HNSW beam width at build time.")
    int hnswBeam;

    @Override
    public Integer call() throws Exception {
      String location = solrLocation(indexOptions);
      if (collectionOptions.shards < 1 || collectionOptions.replicas < 1) {
        throw new ParameterException(
            spec.commandLine(), "--shards and --replicas must be at least 1");
      }
      try (Embedder embedder = modelOptions.open();
          var created =
              SolrIndex.createCollection(
                  location,
                  embedder.info(),
                  new IndexConfig(
                      IndexConfig.Quantization.NONE, hnswM, hnswBeam, modelOptions.preprocessing()),
                  collectionOptions.shards,
                  collectionOptions.replicas)) {
        print(spec, SolrIndex.status(created.location()));
      }
      return 0;
    }
  }

  @Command(
      name = "status",
      description =
          "Print the collection's shards and replicas (node, state, leader), the "
              + "cluster's live nodes, documents and model: {\"index\", \"solr\", \"live_nodes\", \"exists\", \"shards\", ...}.")
  static final class Status implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin IndexOptions indexOptions;

    @Override
    public Integer call() throws Exception {
      String location = solrLocation(indexOptions);
      SolrIndex.Status status = statusOf(location);
      print(spec, status);
      return status.exists() ? 0 : 1;
    }
  }

  @Command(
      name = "delete",
      description = "Delete the collection and its configset: {\"index\", \"deleted\"}.")
  static final class Delete implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin IndexOptions indexOptions;

    @Override
    public Integer call() throws Exception {
      String location = solrLocation(indexOptions);
      boolean deleted;
      deleted = SolrIndex.deleteCollection(location);
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("index", location);
      out.put("deleted", deleted);
      print(spec, out);
      return 0;
    }
  }

  private static SolrIndex.Status statusOf(String location) throws IOException {
    return SolrIndex.status(location);
  }

  /** The cluster commands work on a SolrCloud collection only. */
  private static String solrLocation(IndexOptions options) {
    String location = options.location();
    if (!SolrLocation.isSolr(location)) {
      throw new UsageError(
          "--index must be a solr://HOST:PORT/COLLECTION location here, not " + location);
    }
    SolrLocation.parse(location); // a malformed one is a usage error naming the form
    return location;
  }

  private static void print(CommandSpec spec, Object value) {
    spec.commandLine().getOut().println(JsonOut.line(value));
    spec.commandLine().getOut().flush();
  }
}
