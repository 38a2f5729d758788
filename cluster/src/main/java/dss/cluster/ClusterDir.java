package dss.cluster;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * A local cluster's folder: its layout ({@code cluster.properties}: the ZooKeeper port and each
 * node's port, fixed at the first start so that a restart on the same folder brings back the same
 * node names), each process's data ({@code zookeeper/}, {@code node1/}, ...), log ({@code
 * logs/NAME.log}) and pid file ({@code pids/NAME.pid}, written by the process itself once it
 * serves, removed when it stops cleanly).
 */
final class ClusterDir {
  static final String ZOOKEEPER = "zookeeper";
  static final String SUPERVISOR = "supervisor";

  /** The ports: ZooKeeper's and node i's at {@code nodePorts.get(i - 1)}. */
  record Layout(int zkPort, List<Integer> nodePorts) {
    int nodes() {
      return nodePorts.size();
    }
  }

  private final Path dir;

  ClusterDir(Path dir) {
    this.dir = dir.toAbsolutePath();
  }

  Path path() {
    return dir;
  }

  static String node(int n) {
    return "node" + n;
  }

  Path home(int n) {
    return dir.resolve(node(n));
  }

  Path log(String name) {
    return dir.resolve("logs").resolve(name + ".log");
  }

  private Path layoutFile() {
    return dir.resolve("cluster.properties");
  }

  Optional<Layout> layout() throws IOException {
    if (!Files.isRegularFile(layoutFile())) return Optional.empty();
    Properties p = new Properties();
    try (Reader in = Files.newBufferedReader(layoutFile(), StandardCharsets.UTF_8)) {
      p.load(in);
    }
    try {
      int nodes = Integer.parseInt(p.getProperty("nodes"));
      List<Integer> ports = new ArrayList<>();
      for (int i = 1; i <= nodes; i++)
        ports.add(Integer.parseInt(p.getProperty("port." + node(i))));
      return Optional.of(new Layout(Integer.parseInt(p.getProperty("port.zookeeper")), ports));
    } catch (RuntimeException e) {
      throw new IOException(
          layoutFile() + " is damaged (" + e + "); delete the folder to start anew");
    }
  }

  /** A new layout: node i on {@code port + i - 1}, or free ports when {@code port} is 0. */
  Layout newLayout(int nodes, int port) throws IOException {
    List<Integer> ports = new ArrayList<>();
    for (int i = 0; i < nodes; i++) ports.add(port == 0 ? freePort() : port + i);
    Layout layout = new Layout(freePort(), ports);
    Properties p = new Properties();
    p.setProperty("nodes", Integer.toString(nodes));
    p.setProperty("port.zookeeper", Integer.toString(layout.zkPort()));
    for (int i = 1; i <= nodes; i++) p.setProperty("port." + node(i), ports.get(i - 1).toString());
    Files.createDirectories(dir);
    Path temp = dir.resolve("cluster.properties.tmp");
    try (Writer out = Files.newBufferedWriter(temp, StandardCharsets.UTF_8)) {
      p.store(out, "dreamsim local cluster: ports fixed at the first start");
    }
    Files.move(temp, layoutFile(), StandardCopyOption.ATOMIC_MOVE);
    return layout;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** The live process that wrote {@code pids/NAME.pid}, if it still runs. */
  Optional<ProcessHandle> process(String name) {
    Path file = dir.resolve("pids").resolve(name + ".pid");
    try {
      long pid = Long.parseLong(Files.readString(file).trim());
      return ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** Marks this process as NAME, running (and ready). */
  void writePid(String name) throws IOException {
    Path pids = Files.createDirectories(dir.resolve("pids"));
    Path temp = pids.resolve(name + ".pid.tmp");
    Files.writeString(temp, Long.toString(ProcessHandle.current().pid()));
    Files.move(temp, pids.resolve(name + ".pid"), StandardCopyOption.ATOMIC_MOVE);
  }

  void clearPid(String name) {
    try {
      Path file = dir.resolve("pids").resolve(name + ".pid");
      if (Files.isRegularFile(file)
          && Files.readString(file).trim().equals(Long.toString(ProcessHandle.current().pid())))
        Files.delete(file);
    } catch (IOException e) {
      // a stale pid file names a process that is gone: harmless
    }
  }
}
