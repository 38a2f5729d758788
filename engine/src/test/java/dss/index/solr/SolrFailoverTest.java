package dss.index.solr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dss.index.CommittedVectors;
import dss.index.Hit;
import dss.index.ImageIndex;
import dss.index.ImageRecord;
import dss.index.IndexConfig;
import dss.index.KnnQuery;
import dss.index.TestVectors;
import dss.model.ModelInfo;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * One Solr node of three stops while queries run, the very node the client was given: k-NN queries,
 * lookups by id and counts keep answering, all correct, from the replicas on the other nodes (the
 * client moves to another live node, SolrCloud routes around the stopped replicas). Then the node
 * comes back and its replicas recover.
 */
class SolrFailoverTest {
  static final int DIMS = 64;
  static final int DOCS = 300;
  static final ModelInfo MODEL = new ModelInfo("failover", "failover", DIMS, "fa1l0ver");

  @Test
  void queriesKeepAnsweringWhileANodeIsDown() throws Exception {
    TestCluster cluster = TestCluster.shared();
    String location = cluster.location("failover");
    float[][] v = TestVectors.clustered(DOCS, DIMS, 7);
    try (ImageIndex writer = SolrIndex.openWritable(location, MODEL, IndexConfig.DEFAULT, 2, 2)) {
      for (int i = 0; i < DOCS; i++) writer.upsert(record(i), v[i]);
      writer.commit();
    }
    SolrIndex.Status status = SolrIndex.status(location);
    for (SolrIndex.Shard shard :
        status.shardStates()) { // the precondition of the test: no shard on one node only
      Set<String> nodes = new HashSet<>();
      shard.replicas().forEach(r -> nodes.add(r.node()));
      assertEquals(2, nodes.size(), "each shard's two replicas on two nodes: " + status);
    }

    try (ImageIndex index = SolrIndex.openReadOnly(location)) {
      List<List<String>> expected = new ArrayList<>();
      for (int q = 0; q < 20; q++) expected.add(ids(index.knn(KnnQuery.of(v[q], 5))));

      AtomicBoolean running = new AtomicBoolean(true);
      Semaphore answered =
          new Semaphore(0); // a permit per query answered: the test waits on answers, not time
      ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
      List<Thread> clients = new ArrayList<>();
      for (int t = 0; t < 2; t++) {
        int offset = t;
        clients.add(
            Thread.ofPlatform()
                .name("query-" + t)
                .start(
                    () -> {
                      for (int n = offset; running.get(); n++) {
                        int q = n % 20;
                        try {
                          List<String> got = ids(index.knn(KnnQuery.of(v[q], 5)));
                          if (!got.equals(expected.get(q)))
                            problems.add("query " + q + ": " + got + " != " + expected.get(q));
                          if (index.get(record(q).id()).isEmpty())
                            problems.add("id of " + q + " not found");
                          if (index.count() != DOCS) problems.add("count " + index.count());
                          answered.release();
                        } catch (IOException | RuntimeException e) {
                          problems.add(e.toString());
                        }
                      }
                    }));
      }
      try {
        assertTrue(
            answered.tryAcquire(10, 120, TimeUnit.SECONDS),
            "the clients are answered before the stop");
        cluster.stopNode(1); // returns once the node is stopped
        answered.drainPermits();
        // 12 answers after the stop: at most 2 (one per client) were asked before it, so 10 were
        // asked with the node down (it is started again only in the finally block, as the live-node
        // count below confirms)
        assertTrue(
            answered.tryAcquire(12, 120, TimeUnit.SECONDS),
            "queries answered while node 1 was down");
        assertEquals(2, SolrIndex.status(cluster.location("failover", 2)).liveNodes().size());
      } finally {
        cluster.startNode(1);
        running.set(false);
        for (Thread c : clients) c.join();
      }
      assertEquals(List.of(), List.copyOf(problems));
    }
    awaitActive(location);
    try (ImageIndex index =
        SolrIndex.openReadOnly(location)) { // all of it, vectors and search, after the node is back
      assertEquals(DOCS, CommittedVectors.assertSearchable(index).size());
    }
  }

  /**
   * Waits until every replica is active again (the node's replicas recover), for the tests that
   * follow.
   */
  static void awaitActive(String location) throws Exception {
    long deadline = System.nanoTime() + 120_000_000_000L;
    while (true) {
      SolrIndex.Status status = SolrIndex.status(location);
      boolean active =
          status.liveNodes().size() == 3
              && status.shardStates().stream()
                  .allMatch(s -> s.replicas().stream().allMatch(r -> r.state().equals("active")));
      if (active) return;
      if (System.nanoTime() > deadline)
        throw new AssertionError("replicas did not recover: " + status);
      // A poll, not an event: replica states live in the cluster's ZooKeeper, in another JVM, and
      // Solr's HTTP API has no way to wait for a state change.
      Thread.sleep(200);
    }
  }

  static ImageRecord record(int i) {
    String path = "/failover/" + i + ".jpg";
    return new ImageRecord(ImageRecord.idFor(path), path, "h" + i, i, i, 1, 1, "jpeg", 0);
  }

  static List<String> ids(List<Hit> hits) {
    return hits.stream().map(h -> h.image().id()).toList();
  }
}
