package dss.image;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.jar.JarEntry;
import java.util.zip.CRC32;

/**
 * A native library shipped inside a jar, copied once into a cache folder and loaded from there.
 * OpenCV's own loader copies its 65 MB library into a new temporary folder at every start: a cost
 * at each start, and a folder left behind whenever the process dies without a clean exit (kill -9,
 * out of memory, power loss), which on a server that restarts for months fills {@code /tmp}. The
 * cached copy is named by the jar entry's CRC and size, so a new version of the jar gets its own.
 */
final class NativeLibraryCache {
  private NativeLibraryCache() {}

  /** {@code $XDG_CACHE_HOME/dreamsim/native}, else {@code ~/.cache/dreamsim/native}. */
  static Path folder() {
    String xdg = System.getenv("XDG_CACHE_HOME");
    Path cache =
        xdg != null && !xdg.isBlank()
            ? Path.of(xdg)
            : Path.of(System.getProperty("user.home"), ".cache");
    return cache.resolve("dreamsim").resolve("native");
  }

  /**
   * The library at {@code resource} as a file: a {@code file:} resource as it is; an entry of a jar
   * copied into {@code folder}, once (a copy of the same CRC and size is reused; a new copy is
   * checked against the entry's CRC and moved into place whole, so concurrent starts never load a
   * partial file).
   *
   * @throws IOException when the folder cannot be written or the copy does not match the entry
   */
  static Path extract(URL resource, Path folder) throws IOException {
    if (resource.getProtocol().equals("file")) {
      try {
        return Path.of(resource.toURI());
      } catch (URISyntaxException e) {
        throw new IOException("bad library URL " + resource, e);
      }
    }
    JarURLConnection jar = (JarURLConnection) resource.openConnection();
    jar.setUseCaches(false); // our own handle, closed below, not the JVM's shared one
    JarEntry entry = jar.getJarEntry();
    String name = Path.of(entry.getName()).getFileName().toString();
    Path target =
        folder.resolve(
            String.format(Locale.ROOT, "%08x-%d-%s", entry.getCrc(), entry.getSize(), name));
    if (Files.isRegularFile(target) && Files.size(target) == entry.getSize()) {
      jar.getJarFile().close();
      return target;
    }
    Files.createDirectories(folder);
    Path partial = Files.createTempFile(folder, name, ".partial");
    try (InputStream in = jar.getInputStream();
        OutputStream out = Files.newOutputStream(partial)) {
      CRC32 crc = new CRC32();
      byte[] buffer = new byte[1 << 16];
      for (int n; (n = in.read(buffer)) > 0; ) {
        crc.update(buffer, 0, n);
        out.write(buffer, 0, n);
      }
      if (crc.getValue() != entry.getCrc()) {
        throw new IOException(
            "copy of " + resource + " does not match its CRC in the jar (a damaged jar?)");
      }
    } catch (IOException e) {
      Files.deleteIfExists(partial);
      throw e;
    } finally {
      jar.getJarFile().close();
    }
    Files.move(
        partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    return target;
  }
}
