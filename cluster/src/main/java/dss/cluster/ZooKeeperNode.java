package dss.cluster;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.apache.solr.cloud.MiniSolrCloudCluster;
import org.apache.solr.cloud.ZkTestServer;
import org.apache.solr.common.cloud.SolrZkClient;

/**
 * The local cluster's ZooKeeper, one JVM: {@code ZooKeeperNode --dir DIR --port P [--watch PID]}.
 * Its data lives in {@code DIR/zookeeper} and survives a stop, so the cluster starts again with its
 * collections. Solr's {@code solr.xml} is put under {@code /solr} at the first start.
 */
public final class ZooKeeperNode {
  private ZooKeeperNode() {}

  public static void main(String[] args) throws Exception {
    ClusterDir dir = new ClusterDir(Path.of(NodeMain.required(args, "--dir")));
    int port = Integer.parseInt(NodeMain.required(args, "--port"));
    Path data = Files.createDirectories(dir.path().resolve("zookeeper").resolve("data"));
    ZkTestServer zk = new ZkTestServer(data, port);
    zk.run(false); // false: keep what an earlier run stored
    try (SolrZkClient client =
        new SolrZkClient.Builder()
            .withUrl(zk.getZkHost())
            .withTimeout(30, TimeUnit.SECONDS)
            .build()) {
      if (!client.exists("/solr/solr.xml", true)) {
        client.makePath(
            "/solr/solr.xml",
            MiniSolrCloudCluster.DEFAULT_CLOUD_SOLR_XML.getBytes(StandardCharsets.UTF_8),
            true);
      }
    }
    dir.writePid(ClusterDir.ZOOKEEPER);
    NodeMain.serveUntilStopped(
        args,
        () -> {
          try {
            zk.shutdown();
          } catch (Exception e) {
            System.err.println("zookeeper: shutdown: " + e);
          }
          dir.clearPid(ClusterDir.ZOOKEEPER);
        });
  }
}
