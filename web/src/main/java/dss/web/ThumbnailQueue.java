package dss.web;

import dss.ingest.BusyException;
import dss.util.BackgroundPriority;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The thumbnails being made: a few workers of their own (apart from the uploads' decode pool, whose
 * admission refuses at once) and a bounded line of requests that WAIT for a worker, each up to a
 * deadline. A page's first visit asks for dozens of thumbnails at once; they queue and are served
 * in turn. Only a request that finds the line full, or that is still waiting at its deadline, gets
 * a {@link BusyException} (503 with Retry-After).
 */
final class ThumbnailQueue implements AutoCloseable {
  private final Semaphore free;
  private final AtomicInteger admitted = new AtomicInteger();
  private final int limit;
  private final Duration deadline;
  private final ExecutorService pool;

  ThumbnailQueue(SearchServer.Thumbnails settings) {
    int workers =
        settings.workers() > 0
            ? settings.workers()
            : Math.max(1, Runtime.getRuntime().availableProcessors());
    this.free =
        new Semaphore(workers, true); // fair: the longest waiting request gets the next worker
    this.limit = workers + settings.waiting();
    this.deadline = settings.deadline();
    // As many platform threads as workers, at background priority like every decode: a submit never
    // waits.
    this.pool = Executors.newFixedThreadPool(workers, BackgroundPriority.threads("dss-thumbnail-"));
  }

  /**
   * Runs {@code task} on a worker once one is free and returns its result or rethrows its
   * exception.
   *
   * @throws BusyException when the line is full, or no worker became free within the deadline
   */
  <V> V run(Callable<V> task) throws Exception {
    if (admitted.incrementAndGet() > limit) {
      admitted.decrementAndGet();
      throw new BusyException("the server is busy making other thumbnails; retry in a moment");
    }
    try {
      if (!free.tryAcquire(deadline.toNanos(), TimeUnit.NANOSECONDS)) {
        throw new BusyException(
            "no thumbnail worker became free within "
                + deadline.toSeconds()
                + " s; retry in a moment");
      }
      // Whoever claims the task first frees the worker: the task when it ends, or a request that
      // gave up before the task began (it then never runs).
      AtomicBoolean claimed = new AtomicBoolean();
      Future<V> result;
      try {
        result =
            pool.submit(
                () -> {
                  if (!claimed.compareAndSet(false, true)) return null;
                  try {
                    return task.call();
                  } finally {
                    free.release(); // when the work ends, even if the request stopped waiting for
                    // it
                  }
                });
      } catch (RuntimeException e) { // closed
        free.release();
        throw e;
      }
      try {
        return result.get();
      } catch (InterruptedException e) {
        if (claimed.compareAndSet(false, true)) free.release();
        result.cancel(true);
        throw e;
      } catch (ExecutionException e) {
        throw e.getCause() instanceof Exception cause ? cause : e;
      }
    } finally {
      admitted.decrementAndGet();
    }
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }
}
