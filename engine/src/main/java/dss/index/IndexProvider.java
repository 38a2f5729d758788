package dss.index;

import dss.model.ModelInfo;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/**
 * A kind of index storage, chosen by the form of an index's location: a plain path or {@code file:}
 * for the embedded Lucene index, {@code solr://...} for a SolrCloud collection. Implementations are
 * found with {@link ServiceLoader} (a {@code META-INF/services/dss.index.IndexProvider} entry
 * each), so a new backend needs no change anywhere above this interface: implement it and {@link
 * ImageIndex}, and subclass the contract suite ({@code dss.index.ImageIndexTestCase} in the
 * engine's test jar).
 *
 * <p>Checking and backing up an index are optional capabilities: a provider without one answers
 * {@link IndexException.Unsupported}, naming itself and the capability.
 */
public interface IndexProvider {
  /** A short name for messages: {@code lucene}, {@code solr}. */
  String name();

  /** What locations look like, for messages: {@code DIR}, {@code solr://HOST:PORT/COLLECTION}. */
  String locationForm();

  /** Whether {@code location} is one of this provider's (by its scheme; nothing is opened). */
  boolean accepts(String location);

  /**
   * An existing index, read-only (works while another process writes it).
   *
   * @throws IndexException.Missing when there is none at {@code location}
   */
  ImageIndex openReadOnly(String location) throws IOException;

  /**
   * Opens or creates the index for writing; refuses one made by another model. {@code config} and
   * {@code layout} apply to a new index only.
   *
   * @throws IndexException.InUse when another process holds the index's writer
   */
  ImageIndex openWritable(String location, ModelInfo model, IndexConfig config, Layout layout)
      throws IOException;

  /**
   * Writable when free, else read-only (another process is writing it, or it cannot be written);
   * the model must match either way. By default: {@link #openWritable}, for backends that allow
   * several writers.
   */
  default ImageIndex openShared(String location, ModelInfo model, IndexConfig config, Layout layout)
      throws IOException {
    return openWritable(location, model, config, layout);
  }

  /**
   * The local folder that belongs to the index at {@code location} (the server keeps uploaded
   * images beside it), under {@code workspace} when the index itself is not local; not created
   * here.
   */
  Path localFolder(String location, Path workspace);

  /**
   * {@code location} as every message and record names it (for a path: absolute and normalised).
   */
  default String canonical(String location) {
    return location;
  }

  /**
   * Verifies the index without opening it for searching, so that a damaged one can be checked too;
   * see {@link ImageIndex#check}. By default: open it read-only and check it.
   *
   * @throws IndexException.Missing when there is no index at {@code location}
   * @throws IndexException.Unsupported when this backend cannot check an index
   */
  default IndexCheck check(String location, boolean full) throws IOException {
    try (ImageIndex index = openReadOnly(location)) {
      return index.check(full);
    }
  }

  /**
   * A consistent, checked copy of the index's latest commit in the new folder {@code dest}, also
   * while another process writes it; {@code copy}: copy files even where they could be shared.
   *
   * @throws IndexException.Unsupported when this backend has no backup of its own (say what to use
   *     instead)
   */
  default IndexBackup backup(String location, Path dest, boolean copy) throws IOException {
    throw new IndexException.Unsupported(name(), "backup", null);
  }

  /**
   * How a new index is laid out on a backend that spreads it over several servers; ignored by a
   * backend on one machine.
   *
   * @param shards parts the index is split into (at least 1)
   * @param replicas copies of each part (at least 1)
   */
  record Layout(int shards, int replicas) {
    public static final Layout SINGLE = new Layout(1, 1);

    public Layout {
      if (shards < 1 || replicas < 1) {
        throw new dss.util.InvalidSettingException(
            "shards and replicas must be at least 1, got " + shards + " and " + replicas);
      }
    }
  }

  /** Every provider on the class path. */
  static List<IndexProvider> all() {
    List<IndexProvider> providers = new ArrayList<>();
    ServiceLoader.load(IndexProvider.class, IndexProvider.class.getClassLoader())
        .forEach(providers::add);
    return providers;
  }

  /**
   * The provider of {@code location}: the one that accepts it.
   *
   * @throws IndexException.UnknownLocation when none does (the message lists the forms that work)
   */
  static IndexProvider of(String location) throws IndexException.UnknownLocation {
    List<IndexProvider> providers = all();
    for (IndexProvider p : providers) {
      if (p.accepts(location)) return p;
    }
    throw new IndexException.UnknownLocation(
        location, providers.stream().map(p -> p.locationForm() + " (" + p.name() + ")").toList());
  }
}
