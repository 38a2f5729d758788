/**
 * A throwaway local SolrCloud ({@link dss.cluster.LocalCluster}): ZooKeeper ({@link
 * dss.cluster.ZooKeeperNode}) and Solr 9 nodes ({@link dss.cluster.SolrNode}) from Solr's test
 * framework, each in a JVM of its own (Solr 9 embeds Lucene 9, the engine runs Lucene 10), under a
 * supervisor process started by {@code dreamsim cluster start} and by the tests; {@link
 * dss.cluster.ClusterDir} is the folder they share (ports, data, logs, pid files). Nothing here is
 * on the engine's classpath: the engine talks to the cluster over HTTP only ({@code
 * dss.index.solr}).
 */
package dss.cluster;
