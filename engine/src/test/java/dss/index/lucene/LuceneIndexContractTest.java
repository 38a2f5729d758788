package dss.index.lucene;

import dss.index.ImageIndex;
import dss.index.ImageIndexTestCase;
import dss.index.IndexConfig;
import dss.index.IndexProvider;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract suite on the embedded Lucene index, opened through its provider as the commands open
 * it.
 */
class LuceneIndexContractTest extends ImageIndexTestCase {
  @TempDir Path tmp;

  @Override
  protected ImageIndex open(String name) throws Exception {
    String location = tmp.resolve(name).toString();
    return IndexProvider.of(location)
        .openWritable(location, MODEL, IndexConfig.DEFAULT, IndexProvider.Layout.SINGLE);
  }

  @Override
  protected ImageIndex reopen(String name) throws Exception {
    String location = "file:" + tmp.resolve(name); // the URI form names the same index
    return IndexProvider.of(location).openReadOnly(location);
  }
}
