package dss.util;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.invoke.MethodHandle;

/** {@code setpriority(PRIO_PROCESS, gettid(), nice)}: on Linux the nice value belongs to the thread. */
final class LinuxNice {
  private static final int PRIO_PROCESS = 0;
  private static final MethodHandle GETTID;
  private static final MethodHandle SETPRIORITY;

  static {
    Linker linker = Linker.nativeLinker();
    var libc = linker.defaultLookup();
    GETTID = linker.downcallHandle(libc.find("gettid").orElseThrow(), FunctionDescriptor.of(JAVA_INT));
    SETPRIORITY = linker.downcallHandle(libc.find("setpriority").orElseThrow(),
        FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
  }

  private LinuxNice() {}

  static boolean lowerCurrentThread(int nice) throws Throwable {
    return lowerThread((int) GETTID.invokeExact(), nice);
  }

  /** {@code tid}: a thread of this process (a name under /proc/self/task). */
  static boolean lowerThread(int tid, int nice) throws Throwable {
    return (int) SETPRIORITY.invokeExact(PRIO_PROCESS, tid, nice) == 0;
  }
}
