package dss.index;

import java.util.HashMap;
import java.util.Map;

/** The contract suite on the in-memory test index (exact search). */
class InMemoryIndexContractTest extends ImageIndexTestCase {
  private final Map<String, InMemoryIndex> opened = new HashMap<>();

  @Override
  protected ImageIndex open(String name) {
    InMemoryIndex index = new InMemoryIndex(new IndexMetadata(MODEL, IndexConfig.DEFAULT));
    opened.put(name, index);
    return index;
  }

  @Override
  protected ImageIndex reopen(String name) {
    return opened.get(name).reopened();
  }

  @Override
  protected boolean approximate() {
    return false;
  }
}
