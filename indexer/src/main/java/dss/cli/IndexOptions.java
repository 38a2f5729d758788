package dss.cli;

import dss.index.ImageIndex;
import dss.index.IndexBackup;
import dss.index.IndexCheck;
import dss.index.IndexConfig;
import dss.index.IndexException;
import dss.index.lucene.LuceneIndex;
import dss.index.solr.SolrIndex;
import dss.index.solr.SolrLocation;
import dss.model.ModelInfo;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code --index}: which index a command works on. The one place that picks the backend: a directory is the
 * embedded Lucene index, {@code solr://HOST:PORT/COLLECTION} a SolrCloud collection. Commands and the server only
 * see {@link ImageIndex}. A collection created here takes the command's {@code --shards} and {@code --replicas}
 * ({@link CollectionOptions}) when it has them, else one of each.
 */
public final class IndexOptions {
  @Option(names = "--index", paramLabel = "DIR|solr://HOST:PORT/COLLECTION",
      description = "Index directory (default: index-data/), or a SolrCloud collection (see docs/cluster.md).")
  String index;

  @Spec(Spec.Target.MIXEE) CommandSpec command;

  boolean solr() {
    return SolrLocation.isSolr(index);
  }

  /**
   * The index directory; for a Solr collection, the local folder the server keeps beside it (uploads are stored
   * in {@code <dir>-uploads}): {@code ROOT/solr/HOST-PORT-COLLECTION}, never created here.
   */
  Path dir() {
    if (solr()) {
      SolrLocation where = SolrLocation.parse(index);
      java.net.URI base = java.net.URI.create(where.baseUrl());
      return Workspace.root().resolve("solr").resolve(base.getHost().replace(':', '_') + "-" + base.getPort()
          + "-" + where.collection());
    }
    return (index != null ? Path.of(index) : Workspace.defaultIndex()).toAbsolutePath().normalize();
  }

  /** The {@code solr://} location given; a usage error for anything else. */
  String solrLocation() {
    if (!solr()) throw new IllegalArgumentException("--index must be a solr://HOST:PORT/COLLECTION location here");
    SolrLocation.parse(index);
    return index;
  }

  /** An existing index, read-only (works while another process writes it). */
  ImageIndex openReadOnly() throws IOException {
    if (solr()) return reachable(() -> SolrIndex.openReadOnly(index));
    return LuceneIndex.openReadOnly(dir());
  }

  /** The model the index recorded, or null when there is no index yet. */
  ModelInfo recordedModel() throws IOException {
    try (ImageIndex existing = openReadOnly()) {
      return existing.metadata().model();
    } catch (IndexException.Missing e) {
      return null;
    }
  }

  /** An existing index, read-only, refusing one built by another model. */
  ImageIndex openReadOnly(ModelInfo model) throws IOException {
    ImageIndex index = openReadOnly();
    try {
      index.requireModel(model);
      return index;
    } catch (IOException | RuntimeException e) {
      index.close();
      throw e;
    }
  }

  /** Opens or creates the index for writing; {@code config} applies to a new index only. */
  ImageIndex openWritable(ModelInfo model, IndexConfig config) throws IOException {
    if (solr()) return reachable(() -> SolrIndex.openWritable(index, model, config, option("--shards"),
        option("--replicas")));
    return LuceneIndex.openWritable(dir(), model, config);
  }

  /** Verifies the index without opening it for searching ({@link ImageIndex#check}); a damaged one too. */
  IndexCheck check(boolean full) throws IOException {
    if (solr()) {
      try (ImageIndex collection = openReadOnly()) {
        return collection.check(full);
      }
    }
    return LuceneIndex.check(dir(), full);
  }

  /** A checked copy of the last commit in the new folder {@code dest}, also while another process writes. */
  IndexBackup backup(Path dest, boolean copy) throws IOException {
    return LuceneIndex.backup(embeddedDir("backup"), dest, copy);
  }

  /** A backup copies the embedded index's files; a SolrCloud collection has its own (the Collections API's BACKUP). */
  private Path embeddedDir(String command) {
    if (solr()) {
      throw new IllegalArgumentException(command + " works on an embedded index; for a SolrCloud collection use "
          + "Solr's Collections API (BACKUP and RESTORE)");
    }
    return dir();
  }

  /** Writable when free, else read-only (another process is indexing it). A Solr collection is always writable. */
  ImageIndex openShared(ModelInfo model, IndexConfig config) throws IOException {
    if (solr()) return openWritable(model, config);
    return LuceneIndex.openShared(dir(), model, config);
  }

  /** The command's {@code --shards} / {@code --replicas} when it has them (index, cluster create), else 1. */
  private int option(String name) {
    OptionSpec option = command == null ? null : command.findOption(name);
    return option == null || option.getValue() == null ? 1 : option.<Integer>getValue();
  }

  interface Open {
    ImageIndex open() throws IOException;
  }

  /** A cluster that does not answer is a wrong --index as far as this command goes: a usage error (exit 2). */
  static ImageIndex reachable(Open open) throws IOException {
    try {
      return open.open();
    } catch (SolrIndex.Unreachable e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }
}
