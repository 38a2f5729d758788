package dss.ingest;

import dss.image.ImageException;
import dss.util.BackgroundPriority;
import java.io.IOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The mechanics of a bulk run: a walk, parallel decode workers, the model stage's bulk lane, and a
 * writer on the caller's thread, with bounded queues so memory stays flat on any library size.
 *
 * <pre>
 * walk (a thread) ──► [items] ──► decode workers ──► model stage (bulk lane) ──► [results] ──► write (caller)
 *                                       └─ vector already known (a copy) / nothing to do ──────┘
 * </pre>
 *
 * At most {@link #maxInFlight} items are between the walk and the writer: a slow model holds the
 * walk back instead of letting decoded images pile up. A failure of one item (a bad file, an
 * out-of-memory decode, a model error for its batch) is reported to the job and the run goes on;
 * only a failure of the walk or of the writer stops it.
 */
public final class BulkRun {
  private final ModelStage model;
  private final int decodeThreads;

  /**
   * The counts of a run. Busy times are summed over the threads of each stage (they overlap, so
   * together they may exceed {@code seconds}); model time is the model thread's, shared with any
   * concurrent interactive requests.
   */
  public record Totals(
      long items,
      long embedded,
      long known,
      long skipped,
      long failed,
      double seconds,
      double decodeSeconds,
      double modelSeconds,
      double writeSeconds) {}

  public BulkRun(ModelStage model, int decodeThreads) {
    if (decodeThreads < 1)
      throw new IllegalArgumentException("decode threads must be at least 1: " + decodeThreads);
    this.model = model;
    this.decodeThreads = decodeThreads;
  }

  /**
   * Items between the walk and the writer at most: a few batches for the model, a few items per
   * decode worker.
   */
  public static int maxInFlight(int decodeThreads, int batchSize) {
    return decodeThreads * 4 + batchSize * 4;
  }

  /**
   * Runs {@code job} to the end: every item emitted is written, failed or skipped.
   *
   * @throws IOException when the walk or the writer fails (items' problems are failures, not
   *     exceptions)
   */
  public <T, R> Totals run(BulkJob<T, R> job) throws IOException, InterruptedException {
    // Daemon threads: after a fatal writer error, a stage stuck on a full queue must not keep the
    // JVM alive.
    ExecutorService threads =
        Executors.newFixedThreadPool(decodeThreads + 1, BackgroundPriority.threads("dss-ingest-"));
    try {
      return new Run<>(job, threads).run();
    } finally {
      threads.shutdownNow();
      threads.awaitTermination(1, TimeUnit.MINUTES);
    }
  }

  /** A finished item on its way to the writer. */
  private record Result<T, R>(T item, R result, float[] vector, String error) {}

  /** The state of one run: its queues and counters. */
  private final class Run<T, R> implements BulkJob.Emitter<T> {
    private final BulkJob<T, R> job;
    private final ExecutorService threads;
    private final Semaphore slots = new Semaphore(maxInFlight(decodeThreads, model.batchSize()));
    private final BlockingQueue<T> items = new ArrayBlockingQueue<>(decodeThreads * 4);
    private final BlockingQueue<Result<T, R>> results =
        new LinkedBlockingQueue<>(); // bounded by the slots
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicBoolean walking = new AtomicBoolean(true);
    private final AtomicLong embedded = new AtomicLong(),
        known = new AtomicLong(),
        skipped = new AtomicLong();
    private final AtomicLong decodeNanos = new AtomicLong();
    private final long start = System.nanoTime();
    private final long modelStart = model.busyNanos();

    Run(BulkJob<T, R> job, ExecutorService threads) {
      this.job = job;
      this.threads = threads;
    }

    Totals run() throws IOException, InterruptedException {
      Future<?> walk =
          threads.submit(
              () -> {
                try {
                  job.walk(this);
                } finally {
                  walking.set(false);
                }
                return null;
              });
      for (int w = 0; w < decodeThreads; w++) threads.submit(this::decodeLoop);
      long failed = 0, writeNanos = 0;
      while (walking.get() || pending.get() > 0) {
        Result<T, R> r = results.poll(200, TimeUnit.MILLISECONDS);
        long t = System.nanoTime();
        if (r != null) failed += write(r);
        job.tick();
        writeNanos += System.nanoTime() - t;
        rethrow(walk);
      }
      rethrow(walk);
      return new Totals(
          embedded.get() + known.get() + skipped.get() + failed,
          embedded.get(),
          known.get(),
          skipped.get(),
          failed,
          seconds(System.nanoTime() - start),
          seconds(decodeNanos.get()),
          seconds(model.busyNanos() - modelStart),
          seconds(writeNanos));
    }

    @Override
    public void item(T item) throws InterruptedException {
      slots.acquire(); // back-pressure: the walk waits here while the run is full
      pending.incrementAndGet();
      items.put(item);
    }

    @Override
    public void failure(T item, String reason) throws InterruptedException {
      slots.acquire();
      pending.incrementAndGet();
      results.put(new Result<>(item, null, null, reason));
    }

    /**
     * A decode worker: prepare items until the run ends, handing tensors to the model's bulk lane.
     */
    private Void decodeLoop() throws InterruptedException {
      while (true) {
        T item = items.take();
        long t = System.nanoTime();
        BulkJob.Step<R> step;
        try {
          step = job.prepare(item);
        } catch (Throwable e) { // one file's problem, even an OutOfMemoryError, stays that file's
          results.put(new Result<>(item, null, null, reason(e)));
          continue;
        } finally {
          decodeNanos.addAndGet(System.nanoTime() - t);
        }
        switch (step) {
          case BulkJob.Step.Embed<R> e ->
              model
                  .submit(e.tensor(), ModelStage.Lane.BULK)
                  .whenComplete(
                      (vector, error) -> {
                        if (error == null) embedded.incrementAndGet();
                        results.add(
                            new Result<>(
                                item,
                                e.result(),
                                vector,
                                error == null ? null : "model failed: " + error.getMessage()));
                      });
          case BulkJob.Step.Known<R> k -> {
            known.incrementAndGet();
            results.put(new Result<>(item, k.result(), k.vector(), null));
          }
          case BulkJob.Step.Skip<R> s -> {
            skipped.incrementAndGet();
            done();
          }
        }
      }
    }

    /** Hands one result to the job; 1 when it is a failure. */
    private int write(Result<T, R> r) throws IOException {
      try {
        if (r.error() != null) {
          job.failed(r.item(), r.error());
          return 1;
        }
        job.write(r.item(), r.result(), r.vector());
        return 0;
      } finally {
        done();
      }
    }

    private void done() {
      pending.decrementAndGet();
      slots.release();
    }
  }

  /** The one-line reason an item failed. */
  static String reason(Throwable e) {
    return switch (e) {
      case ImageException ie -> ie.reason();
      case IOException io -> "cannot read: " + FileWalker.describe(io);
      case OutOfMemoryError oom -> "not enough memory to decode it (" + oom.getMessage() + ")";
      default -> "cannot decode: " + e;
    };
  }

  private static void rethrow(Future<?> stage) throws IOException {
    if (!stage.isDone()) return;
    try {
      stage.get();
    } catch (ExecutionException e) {
      Throwable cause =
          e.getCause() instanceof java.io.UncheckedIOException u ? u.getCause() : e.getCause();
      if (cause instanceof IOException io) throw io;
      throw new IOException("the walk stopped: " + cause, cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }
}
