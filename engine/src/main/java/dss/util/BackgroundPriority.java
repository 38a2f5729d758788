package dss.util;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadFactory;

/**
 * Bulk work (decoding, the model) runs at a lower scheduling priority than request handling, so
 * that a server whose cores are all busy decoding uploads or indexing its library still answers
 * health checks, searches by id and stats at once. On Linux a thread's nice value is its own: the
 * threads made here set theirs to {@link #NICE}, and threads they create (ONNX Runtime's pool,
 * created with the session) inherit it. Needs Java 22+ (the FFM call lives in src/main/java22);
 * elsewhere, or with {@code -Ddss.nice=0}, nothing changes. Lowering never needs a privilege.
 */
public final class BackgroundPriority {
  /**
   * The nice value of bulk-work threads (0 is normal, 19 the lowest): ahead of idle work, behind
   * requests.
   */
  public static final int NICE = Integer.getInteger("dss.nice", 10);

  private static final MethodHandle LOWER = load("lowerCurrentThread", int.class);
  private static final MethodHandle LOWER_THREAD = load("lowerThread", int.class, int.class);

  private BackgroundPriority() {}

  /**
   * Lowers the calling thread's priority to {@link #NICE}; false when the platform cannot (nothing
   * changed).
   */
  public static boolean lowerCurrentThread() {
    if (LOWER == null) return false;
    try {
      return (boolean) LOWER.invokeExact(NICE);
    } catch (Throwable t) {
      return false;
    }
  }

  /**
   * Daemon platform threads named {@code prefix0, prefix1, ...} that lower their own priority
   * before working.
   */
  public static ThreadFactory threads(String prefix) {
    ThreadFactory base = Thread.ofPlatform().daemon().name(prefix, 0).factory();
    return task -> base.newThread(lowered(task));
  }

  /**
   * Lowers every thread of this process to {@link #NICE}, the JVM's compiler and garbage-collector
   * threads included (threads started afterwards inherit it from their creators): for batch
   * commands, which are bulk work as a whole. Linux only; false when nothing was lowered.
   */
  public static boolean lowerProcess() {
    if (LOWER_THREAD == null) return false;
    boolean lowered = false;
    try (DirectoryStream<Path> threads = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
      for (Path thread : threads) {
        lowered |=
            (boolean)
                LOWER_THREAD.invokeExact(Integer.parseInt(thread.getFileName().toString()), NICE);
      }
    } catch (Throwable t) {
      // a thread that ended meanwhile, or no /proc: keep what was lowered
    }
    return lowered;
  }

  /** One daemon platform thread, started now, that lowers its own priority first. */
  public static Thread start(String name, Runnable task) {
    return Thread.ofPlatform().daemon().name(name).start(lowered(task));
  }

  private static Runnable lowered(Runnable task) {
    return () -> {
      lowerCurrentThread();
      task.run();
    };
  }

  private static MethodHandle load(String method, Class<?>... parameters) {
    if (NICE <= 0
        || Runtime.version().feature() < 22
        || !"Linux".equals(System.getProperty("os.name"))) return null;
    try {
      return MethodHandles.lookup()
          .findStatic(
              Class.forName("dss.util.LinuxNice"),
              method,
              MethodType.methodType(boolean.class, parameters));
    } catch (ReflectiveOperationException | LinkageError e) {
      return null; // built on JDK 21 (no FFM class), or no libc symbols
    }
  }
}
