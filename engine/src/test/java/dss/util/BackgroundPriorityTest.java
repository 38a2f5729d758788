package dss.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Bulk-work threads run at nice 10 on Linux, and threads they create (ONNX Runtime's pool) inherit
 * it.
 */
class BackgroundPriorityTest {
  @BeforeEach
  void linuxWithFfm() {
    assumeTrue(
        "Linux".equals(System.getProperty("os.name")) && Runtime.version().feature() >= 22,
        "lowering a thread's priority needs Linux and Java 22+");
  }

  /**
   * The kernel's view of the calling thread: field 19 of /proc/thread-self/stat (counted after the
   * name).
   */
  private static int niceOfThisThread() throws Exception {
    String stat = Files.readString(Path.of("/proc/thread-self/stat"));
    return Integer.parseInt(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[16]);
  }

  private static int niceOn(ThreadFactory factory) throws Exception {
    CompletableFuture<Integer> nice = new CompletableFuture<>();
    factory
        .newThread(
            () -> {
              try {
                nice.complete(niceOfThisThread());
              } catch (Exception e) {
                nice.completeExceptionally(e);
              }
            })
        .start();
    return nice.get();
  }

  @Test
  void bulkThreadsRunBehindOrdinaryOnes() throws Exception {
    int ordinary = niceOn(Thread.ofPlatform().factory());
    assumeTrue(ordinary < BackgroundPriority.NICE, "this JVM already runs at nice " + ordinary);
    assertEquals(BackgroundPriority.NICE, niceOn(BackgroundPriority.threads("test-bulk-")));
    assertEquals(ordinary, niceOfThisThread(), "the caller's own priority is untouched");
  }

  @Test
  void threadsCreatedByABulkThreadInheritItsPriority() throws Exception {
    CompletableFuture<Integer> child = new CompletableFuture<>();
    BackgroundPriority.start(
            "test-parent",
            () -> {
              try {
                child.complete(
                    niceOn(
                        Thread.ofPlatform()
                            .factory())); // as ONNX Runtime's pool threads are created
              } catch (Exception e) {
                child.completeExceptionally(e);
              }
            })
        .join();
    assertEquals(BackgroundPriority.NICE, child.get());
  }

  @Test
  void startRunsTheTaskLoweredOnADaemonThread() throws Exception {
    CompletableFuture<Integer> nice = new CompletableFuture<>();
    Thread t =
        BackgroundPriority.start(
            "test-start",
            () -> {
              try {
                nice.complete(niceOfThisThread());
              } catch (Exception e) {
                nice.completeExceptionally(e);
              }
            });
    t.join();
    assertTrue(t.isDaemon());
    assertEquals(BackgroundPriority.NICE, nice.get());
  }

  @Test
  void aBatchCommandLowersItsWholeProcessTheJvmsOwnThreadsIncluded() throws Exception {
    Process child =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                LowerProcessProbe.class.getName())
            .redirectErrorStream(true)
            .start();
    java.util.List<String> lines =
        new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    assertEquals(0, child.waitFor(), String.join("\n", lines));
    assertEquals("lowered true", lines.getFirst(), String.join("\n", lines));
    java.util.List<String> threads = lines.subList(1, lines.size());
    assertTrue(threads.size() > 5, "the JVM's compiler and GC threads are listed too: " + threads);
    for (String thread : threads) {
      assertEquals(
          String.valueOf(BackgroundPriority.NICE),
          thread.substring(thread.lastIndexOf('\t') + 1),
          thread);
    }
  }
}
