package dss.cluster;

import java.io.IOException;
import java.util.concurrent.CountDownLatch;

/**
 * What the ZooKeeper and Solr node processes share: options, the watch on the process that started
 * the cluster (the node stops when it ends, so a cluster outlives no one by accident), and a clean
 * stop on SIGTERM.
 */
final class NodeMain {
  private NodeMain() {}

  static {
    System.setProperty("solr.disableJmxReporter", "true");
    System.setProperty("log4j2.configurationFile", "dss-cluster-log4j2.xml");
  }

  /** The value after {@code name} in args, or null. */
  static String option(String[] args, String name) {
    for (int i = 0; i + 1 < args.length; i++) if (args[i].equals(name)) return args[i + 1];
    return null;
  }

  static String required(String[] args, String name) {
    String value = option(args, name);
    if (value == null) {
      System.err.println("missing " + name);
      System.exit(2);
    }
    return value;
  }

  /**
   * Runs {@code stop} at exit (SIGTERM, Ctrl-C, or the end of the watched process), then blocks for
   * ever.
   */
  static void serveUntilStopped(String[] args, Runnable stop) throws IOException {
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  stop.run();
                  stopped.countDown();
                },
                "node-stop"));
    String watch = option(args, "--watch");
    if (watch != null) {
      java.util.Optional<ProcessHandle> parent = ProcessHandle.of(Long.parseLong(watch));
      if (parent.isEmpty()) System.exit(0);
      parent.get().onExit().thenRun(() -> System.exit(0));
    }
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
