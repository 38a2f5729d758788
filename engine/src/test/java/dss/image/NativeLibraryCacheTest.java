package dss.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Random;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A library inside a jar is copied once into the cache folder and reused by later starts; a new jar
 * gets its own copy; a damaged copy is replaced; no partial file is left.
 */
class NativeLibraryCacheTest {
  @TempDir Path dir;

  private URL jarWith(String jarName, byte[] library) throws IOException {
    Path jar = dir.resolve(jarName);
    try (OutputStream file = Files.newOutputStream(jar);
        JarOutputStream out = new JarOutputStream(file)) {
      out.putNextEntry(new JarEntry("nu/pattern/opencv/linux/x86_64/libthing.so"));
      out.write(library);
      out.closeEntry();
    }
    return URI.create("jar:" + jar.toUri() + "!/nu/pattern/opencv/linux/x86_64/libthing.so")
        .toURL();
  }

  private static byte[] bytes(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  @Test
  void copiedOnceThenReused() throws Exception {
    byte[] library = bytes(300_000, 1);
    Path cache = dir.resolve("cache/native");
    Path first = NativeLibraryCache.extract(jarWith("a.jar", library), cache);
    assertArrayEquals(library, Files.readAllBytes(first));
    assertTrue(first.getFileName().toString().endsWith("-300000-libthing.so"), first.toString());

    FileTime old = FileTime.fromMillis(1_000_000_000_000L);
    Files.setLastModifiedTime(first, old);
    Path second = NativeLibraryCache.extract(jarWith("a.jar", library), cache);
    assertEquals(first, second);
    assertEquals(old, Files.getLastModifiedTime(second), "reused, not copied again");

    Path other = NativeLibraryCache.extract(jarWith("b.jar", bytes(300_000, 2)), cache);
    assertNotEquals(first, other, "another library of the same size: its own copy");
    assertEquals(List.of(first, other), files(cache));
  }

  @Test
  void aCopyOfTheWrongSizeIsReplaced() throws Exception {
    byte[] library = bytes(100_000, 3);
    Path cache = dir.resolve("cache");
    Path copy = NativeLibraryCache.extract(jarWith("a.jar", library), cache);
    Files.write(copy, new byte[] {1, 2, 3}); // a copy cut short by a full disk, say
    assertEquals(copy, NativeLibraryCache.extract(jarWith("a.jar", library), cache));
    assertArrayEquals(library, Files.readAllBytes(copy));
    assertEquals(List.of(copy), files(cache), "no partial file left");
  }

  @Test
  void aLibraryOnDiskIsUsedWhereItIs() throws Exception {
    Path file = Files.write(dir.resolve("libthing.so"), bytes(10, 4));
    assertEquals(file, NativeLibraryCache.extract(file.toUri().toURL(), dir.resolve("unused")));
    assertTrue(Files.notExists(dir.resolve("unused")));
  }

  @Test
  void openCvIsLoadedFromTheCacheFolder() throws Exception {
    Path maps = Path.of("/proc/self/maps");
    assumeTrue(Files.isReadable(maps), "needs Linux's /proc/self/maps");
    assertTrue(OpenCvDecoder.available(), "OpenCV loads on this platform");
    List<String> mapped =
        Files.readAllLines(maps).stream()
            .filter(l -> l.endsWith("libopencv_java490.so"))
            .map(l -> l.substring(l.indexOf('/')))
            .distinct()
            .toList();
    assertEquals(1, mapped.size(), mapped.toString());
    assertEquals(
        NativeLibraryCache.folder().toRealPath(),
        Path.of(mapped.getFirst()).getParent(),
        "mapped from the cache folder, not a temporary one");
  }

  private static List<Path> files(Path folder) throws IOException {
    try (Stream<Path> s = Files.list(folder)) {
      return s.sorted((a, b) -> Long.compare(modified(a), modified(b))).toList();
    }
  }

  private static long modified(Path p) {
    try {
      return Files.getLastModifiedTime(p).toMillis();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
