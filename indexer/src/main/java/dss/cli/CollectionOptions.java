package dss.cli;

import picocli.CommandLine.Option;

/**
 * {@code --shards --replicas}: the shape of a SolrCloud collection that a command creates (see
 * IndexOptions).
 */
public final class CollectionOptions {
  @Option(
      names = "--shards",
      paramLabel = "N",
      defaultValue = "1",
      description = "solr:// index only: shards of a new collection (default: ${DEFAULT-VALUE}).")
  int shards;

  @Option(
      names = "--replicas",
      paramLabel = "R",
      defaultValue = "1",
      description =
          "solr:// index only: replicas of each shard of a new collection (default: ${DEFAULT-VALUE}).")
  int replicas;
}
