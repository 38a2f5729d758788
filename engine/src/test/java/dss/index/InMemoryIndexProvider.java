package dss.index;

import dss.model.ModelInfo;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A backend added the way any backend is: this provider (registered in the test jar's {@code
 * META-INF/services/dss.index.IndexProvider}), {@link InMemoryIndex} and {@link
 * InMemoryIndexContractTest}. Its locations are {@code memory:NAME}, kept for the life of the JVM,
 * so that commands run in-process can index into one and search it afterwards. It has no check of
 * an unopened index beyond the default and no backup.
 */
public final class InMemoryIndexProvider implements IndexProvider {
  private static final Map<String, InMemoryIndex> INDEXES = new ConcurrentHashMap<>();

  @Override
  public String name() {
    return "memory";
  }

  @Override
  public String locationForm() {
    return "memory:NAME";
  }

  @Override
  public boolean accepts(String location) {
    return location != null && location.startsWith("memory:");
  }

  @Override
  public ImageIndex openReadOnly(String location) throws IOException {
    InMemoryIndex index = INDEXES.get(location);
    if (index == null) throw IndexException.missing(location);
    return index.reopened();
  }

  @Override
  public ImageIndex openWritable(
      String location, ModelInfo model, IndexConfig config, Layout layout) throws IOException {
    InMemoryIndex index =
        INDEXES.computeIfAbsent(location, l -> new InMemoryIndex(new IndexMetadata(model, config)));
    index.requireModel(model);
    return index;
  }

  @Override
  public Path localFolder(String location, Path workspace) {
    return workspace.resolve("memory").resolve(location.substring("memory:".length()));
  }
}
