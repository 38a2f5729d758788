package dss.index.solr;

import dss.index.ImageIndex;
import dss.index.ImageIndexTestCase;
import dss.index.IndexConfig;
import dss.index.IndexProvider;

/**
 * The contract suite on a 2-shard SolrCloud collection of the shared local test cluster ({@link
 * TestCluster}).
 */
class SolrIndexContractTest extends ImageIndexTestCase {
  private static String location(String name) throws Exception {
    return TestCluster.shared().location("contract-" + name);
  }

  @Override
  protected ImageIndex open(String name) throws Exception {
    String location = location(name);
    return IndexProvider.of(location)
        .openWritable(location, MODEL, IndexConfig.DEFAULT, new IndexProvider.Layout(2, 1));
  }

  @Override
  protected ImageIndex reopen(String name) throws Exception {
    String location = location(name);
    return IndexProvider.of(location).openReadOnly(location);
  }
}
