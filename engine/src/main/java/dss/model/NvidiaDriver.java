package dss.model;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Whether an NVIDIA driver is installed: the one presence check behind {@code --device auto}. ONNX
 * Runtime's GPU build spends about three seconds failing to load its CUDA provider on a machine
 * without a driver, so {@code auto} tries CUDA only when this says yes. Yes when a device node
 * {@code /dev/nvidia*} or {@code /proc/driver/nvidia} exists, or when the driver's user-space
 * library {@code libcuda.so.1} is where the dynamic loader looks for it (the loader's cache, {@code
 * LD_LIBRARY_PATH}, the usual library folders, WSL's and containers' driver folders). The CUDA
 * toolkit alone (libcudart) is not a driver.
 */
final class NvidiaDriver {
  private static final String LIBRARY = "libcuda.so.1";

  /**
   * Where distributions, containers (nvidia-container-toolkit) and WSL put the driver's library.
   */
  private static final List<String> LIBRARY_FOLDERS =
      List.of(
          "/usr/lib/x86_64-linux-gnu",
          "/usr/lib/aarch64-linux-gnu",
          "/usr/lib64",
          "/usr/lib",
          "/lib/x86_64-linux-gnu",
          "/lib64",
          "/usr/local/nvidia/lib64",
          "/usr/lib/wsl/lib");

  private NvidiaDriver() {}

  /** This machine's answer (a few file lookups; cheap enough to ask on every model load). */
  static boolean present() {
    return present(Path.of("/"), System.getenv("LD_LIBRARY_PATH"));
  }

  /**
   * The answer for a file system whose root is {@code root} (tests point it at a folder of their
   * own).
   */
  static boolean present(Path root, String ldLibraryPath) {
    if (Files.isDirectory(root.resolve("proc/driver/nvidia"))) return true;
    try (DirectoryStream<Path> nodes = Files.newDirectoryStream(root.resolve("dev"), "nvidia*")) {
      if (nodes.iterator().hasNext()) return true;
    } catch (IOException e) {
      // no /dev to list: decide by the library alone
    }
    List<Path> folders = new ArrayList<>();
    if (ldLibraryPath != null) {
      for (String p : ldLibraryPath.split(":")) if (!p.isBlank()) folders.add(Path.of(p));
    }
    for (String f : LIBRARY_FOLDERS) folders.add(root.resolve(f.substring(1)));
    for (Path folder : folders) if (Files.exists(folder.resolve(LIBRARY))) return true;
    return inLoaderCache(root.resolve("etc/ld.so.cache"));
  }

  /** The loader's cache names every library ldconfig found, as plain strings among binary data. */
  private static boolean inLoaderCache(Path cache) {
    try {
      if (!Files.isRegularFile(cache) || Files.size(cache) > 64L << 20) return false;
      return new String(Files.readAllBytes(cache), StandardCharsets.ISO_8859_1)
          .contains(LIBRARY + "\0");
    } catch (IOException e) {
      return false;
    }
  }
}
