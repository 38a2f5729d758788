package dss.bench;

import java.lang.management.ManagementFactory;

/** The CPU time this process has used, for figures per CPU second next to wall-clock ones. */
@SuppressForbidden(
    reason = "the JDK's own com.sun.management bean, present in every JDK the project supports")
final class ProcessCpu {
  private static final com.sun.management.OperatingSystemMXBean OS =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  private ProcessCpu() {}

  /** Nanoseconds of CPU time used by every thread of this process so far. */
  static long nanos() {
    return OS.getProcessCpuTime();
  }
}
