package dss.index.solr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dss.index.ImageIndex;
import dss.index.IndexConfig;
import dss.index.IndexException;
import dss.index.TestVectors;
import dss.model.ModelInfo;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/**
 * Several seed hosts in a {@code solr://} location: a seed that does not answer is passed over for
 * one that does, whatever its place in the list; when none answers, the error names every seed, at
 * once (no node accepts a connection: nothing to wait for).
 */
class SolrSeedHostsTest {
  static final int DIMS = 16;
  static final ModelInfo MODEL = new ModelInfo("seeds", "seeds", DIMS, "5eed5");

  @Test
  void aDeadSeedIsPassedOver() throws Exception {
    TestCluster cluster = TestCluster.shared();
    String dead = "127.0.0.1:" + freePort();
    String live = hostPort(cluster.nodes().get(1));
    String location = "solr://" + dead + "," + live + "/seeds";
    float[][] v = TestVectors.clustered(10, DIMS, 3);
    try (ImageIndex index = SolrIndex.openWritable(location, MODEL, IndexConfig.DEFAULT, 1, 1)) {
      for (int i = 0; i < 10; i++) index.upsert(SolrFailoverTest.record(i), v[i]);
      index.commit();
      assertEquals(10, index.count());
    }
    // the live seed first, the dead one after: the same collection
    try (ImageIndex index = SolrIndex.openReadOnly("solr://" + live + "," + dead + "/seeds")) {
      assertEquals(10, index.count());
    }
  }

  @Test
  void noSeedAnsweringNamesThemAll() throws Exception {
    String a = "127.0.0.1:" + freePort();
    String b = "127.0.0.1:" + freePort();
    IndexException.Unreachable e =
        assertThrows(
            IndexException.Unreachable.class,
            () -> SolrIndex.openReadOnly("solr://" + a + "," + b + "/nothing"));
    assertTrue(e.getMessage().contains(a) && e.getMessage().contains(b), e.getMessage());
  }

  private static String hostPort(String url) {
    return java.net.URI.create(url).getRawAuthority();
  }

  /** A port nothing listens on (it was free a moment ago). */
  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
