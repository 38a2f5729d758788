package dss.cluster;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.solr.embedded.JettyConfig;
import org.apache.solr.embedded.JettySolrRunner;

/**
 * One Solr node of the local cluster, one JVM: {@code SolrNode --dir DIR --node N --port P --zk
 * HOST:PORT/solr [--watch PID]}. Its cores live in {@code DIR/nodeN} and are found again when the
 * node starts on the same folder and port (same node name): its replicas recover from the others.
 */
public final class SolrNode {
  private SolrNode() {}

  public static void main(String[] args) throws Exception {
    ClusterDir dir = new ClusterDir(Path.of(NodeMain.required(args, "--dir")));
    int n = Integer.parseInt(NodeMain.required(args, "--node"));
    int port = Integer.parseInt(NodeMain.required(args, "--port"));
    Path home = Files.createDirectories(dir.home(n));
    System.setProperty("solr.log.dir", dir.path().resolve("logs").toString());
    // A node killed with kill -9 leaves the live nodes when its ZooKeeper session expires
    System.setProperty("solr.zkclienttimeout", System.getProperty("solr.zkclienttimeout", "15000"));
    java.util.logging.Logger.getLogger("org.glassfish.jersey")
        .setLevel(java.util.logging.Level.SEVERE);
    Properties props = new Properties();
    props.setProperty("zkHost", NodeMain.required(args, "--zk"));
    JettyConfig config =
        JettyConfig.builder().setContext("/solr").stopAtShutdown(false).setPort(port).build();
    JettySolrRunner jetty = new JettySolrRunner(home.toString(), props, config);
    jetty.start();
    String name = ClusterDir.node(n);
    dir.writePid(name);
    NodeMain.serveUntilStopped(
        args,
        () -> {
          try {
            jetty.stop();
          } catch (Exception e) {
            System.err.println(name + ": shutdown: " + e);
          }
          dir.clearPid(name);
        });
  }
}
