package dss.index.solr;

import dss.index.ImageIndex;
import dss.index.IndexBackup;
import dss.index.IndexConfig;
import dss.index.IndexException;
import dss.index.IndexProvider;
import dss.model.ModelInfo;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;

/**
 * A SolrCloud collection, {@code solr://HOST:PORT/COLLECTION} ({@code solrs://} for HTTPS). Several
 * processes may write it at once, so it is always opened writable; its check reads what the cluster
 * reports; backups are Solr's own (the Collections API).
 */
public final class SolrIndexProvider implements IndexProvider {
  @Override
  public String name() {
    return "solr";
  }

  @Override
  public String locationForm() {
    return "solr://HOST:PORT/COLLECTION";
  }

  @Override
  public boolean accepts(String location) {
    return SolrLocation.isSolr(location);
  }

  @Override
  public ImageIndex openReadOnly(String location) throws IOException {
    return SolrIndex.openReadOnly(location);
  }

  @Override
  public ImageIndex openWritable(
      String location, ModelInfo model, IndexConfig config, Layout layout) throws IOException {
    return SolrIndex.openWritable(location, model, config, layout.shards(), layout.replicas());
  }

  /** {@code WORKSPACE/solr/HOST-PORT-COLLECTION}. */
  @Override
  public Path localFolder(String location, Path workspace) {
    SolrLocation where = SolrLocation.parse(location);
    URI base = URI.create(where.baseUrl());
    return workspace
        .resolve("solr")
        .resolve(
            base.getHost().replace(':', '_') + "-" + base.getPort() + "-" + where.collection());
  }

  @Override
  public String canonical(String location) {
    return SolrLocation.parse(location).toString();
  }

  @Override
  public IndexBackup backup(String location, Path dest, boolean copy) throws IOException {
    throw new IndexException.Unsupported(
        name(),
        "backup of its own",
        "a SolrCloud collection is backed up by Solr's Collections API (BACKUP and RESTORE)");
  }
}
