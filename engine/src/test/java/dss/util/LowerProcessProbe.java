package dss.util;

import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Run in a child JVM by {@link BackgroundPriorityTest}: lowers its whole process, starts one more
 * thread, then prints the nice value of every thread of the process, one per line.
 */
public final class LowerProcessProbe {
  private LowerProcessProbe() {}

  public static void main(String[] args) throws Exception {
    System.out.println("lowered " + BackgroundPriority.lowerProcess());
    java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
    Thread later =
        Thread.ofPlatform()
            .start(
                () -> { // alive until its nice value has been printed
                  try {
                    done.await();
                  } catch (InterruptedException e) {
                    // asked to end
                  }
                });
    try (DirectoryStream<Path> threads = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
      for (Path thread : threads) {
        String stat = Files.readString(thread.resolve("stat"));
        System.out.println(
            stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'))
                + "\t"
                + stat.substring(stat.lastIndexOf(')') + 2).split(" ")[16]);
      }
    }
    done.countDown();
    later.join();
  }
}
