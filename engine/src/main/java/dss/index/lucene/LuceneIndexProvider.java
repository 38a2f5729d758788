package dss.index.lucene;

import dss.index.ImageIndex;
import dss.index.IndexBackup;
import dss.index.IndexCheck;
import dss.index.IndexConfig;
import dss.index.IndexProvider;
import dss.model.ModelInfo;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;

/**
 * The embedded Lucene index: a folder on this machine, given as a plain path or a {@code file:}
 * URI. The default backend. It can check an index too damaged to open, and back it up while it is
 * being written.
 */
public final class LuceneIndexProvider implements IndexProvider {
  @Override
  public String name() {
    return "lucene";
  }

  @Override
  public String locationForm() {
    return "DIR";
  }

  /**
   * A path, or a {@code file:} URI: anything that does not start with another scheme ({@code NAME:}
   * of two or more letters; a one-letter one is a drive). A folder whose name starts that way is
   * given as {@code ./NAME:...}.
   */
  @Override
  public boolean accepts(String location) {
    return location != null
        && !location.isBlank()
        && (location.startsWith("file:") || !location.matches("^[A-Za-z][A-Za-z0-9+.-]+:.*"));
  }

  @Override
  public ImageIndex openReadOnly(String location) throws IOException {
    return LuceneIndex.openReadOnly(dir(location));
  }

  @Override
  public ImageIndex openWritable(
      String location, ModelInfo model, IndexConfig config, Layout layout) throws IOException {
    return LuceneIndex.openWritable(dir(location), model, config);
  }

  @Override
  public ImageIndex openShared(String location, ModelInfo model, IndexConfig config, Layout layout)
      throws IOException {
    return LuceneIndex.openShared(dir(location), model, config);
  }

  @Override
  public Path localFolder(String location, Path workspace) {
    return dir(location);
  }

  @Override
  public String canonical(String location) {
    return dir(location).toString();
  }

  @Override
  public IndexCheck check(String location, boolean full) throws IOException {
    return LuceneIndex.check(dir(location), full);
  }

  @Override
  public IndexBackup backup(String location, Path dest, boolean copy) throws IOException {
    return LuceneIndex.backup(dir(location), dest, copy);
  }

  /**
   * The folder of a location: {@code file:///abs}, {@code file:rel} or a plain path, absolute and
   * normalised.
   */
  static Path dir(String location) {
    Path path;
    if (location.startsWith("file://")) path = Path.of(URI.create(location));
    else if (location.startsWith("file:")) path = Path.of(location.substring("file:".length()));
    else path = Path.of(location);
    return path.toAbsolutePath().normalize();
  }
}
