package dss.bench;

/** Nearest-rank percentiles of sorted latency samples. */
final class Percentiles {
  private Percentiles() {}

  /** The sample at percentile {@code p} (0..100) of {@code sorted} (ascending), by nearest rank. */
  static long of(long[] sorted, double p) {
    int rank = (int) Math.ceil(sorted.length * p / 100.0) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank))];
  }
}
