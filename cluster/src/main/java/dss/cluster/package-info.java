/**
 * A throwaway local SolrCloud ({@link dss.cluster.LocalCluster}): Solr 9 nodes and an embedded
 * ZooKeeper from Solr's test framework, in a JVM of their own (Solr 9 embeds Lucene 9; the engine
 * runs Lucene 10), started by {@code dreamsim cluster start} and by the tests. Nothing here is on
 * the engine's classpath: the engine talks to the cluster over HTTP only ({@code dss.index.solr}).
 */
package dss.cluster;
