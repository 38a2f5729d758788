package dss.ingest;

import dss.model.ModelException;
import dss.model.Preemption;
import dss.util.BackgroundPriority;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The model step of every ingest path: one thread runs the one model session on batches gathered
 * from all callers (bulk indexing, uploads, the embed command), which is what a GPU needs.
 *
 * <p>Two lanes. {@link Lane#INTERACTIVE} requests (an upload, a query image) are served before any
 * queued {@link Lane#BULK} work: the next batch is made of interactive requests only, run at once,
 * so an interactive request waits at most for the batch already in flight. Bulk requests wait up to
 * {@link #FILL_WAIT_MS} for a fuller batch (a fuller batch uses a GPU better), and give way to an
 * interactive request arriving meanwhile.
 */
public final class ModelStage implements AutoCloseable {
  /** How long a batch of bulk work waits for more tensors before it runs anyway. */
  static final long FILL_WAIT_MS = 20;

  /** Who is waiting for a vector: a person (interactive) or a bulk run. */
  public enum Lane {
    INTERACTIVE,
    BULK
  }

  /**
   * {@code started}: when the model began the batch holding it (nanoTime), for the timings; {@code
   * stops}: how often its run was stopped for a person's request (in its batch, then alone; after
   * two it runs to the end).
   */
  private record Request(
      float[] tensor,
      CompletableFuture<float[]> result,
      Lane lane,
      AtomicLong started,
      AtomicInteger stops) {
    Request(float[] tensor, Lane lane) {
      this(tensor, new CompletableFuture<>(), lane, new AtomicLong(), new AtomicInteger());
    }
  }

  /**
   * One interactive vector and how its time split: waiting for the model (the batch in flight,
   * other interactive requests) and the run of its own batch.
   */
  public record Timed(float[] vector, double waitMs, double runMs) {}

  private final BatchEmbedder model;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition arrived = lock.newCondition();
  private final ArrayDeque<Request> interactive = new ArrayDeque<>();
  private final ArrayDeque<Request> bulk = new ArrayDeque<>();
  private final AtomicLong busyNanos = new AtomicLong();
  private final AtomicLong preemptions = new AtomicLong();
  private Preemption running; // the bulk batch in the model that a person's request may stop
  private final Thread worker;
  private boolean closed;

  /**
   * The model is called by the first batch, not before (a lazily opened session stays unopened
   * until then).
   */
  public ModelStage(BatchEmbedder model) {
    if (model.batchSize() < 1)
      throw new IllegalArgumentException("batch size must be at least 1: " + model.batchSize());
    this.model = model;
    this.worker = BackgroundPriority.start("dss-model", this::run); // behind request handling
  }

  public int batchSize() {
    return model.batchSize();
  }

  /** The unit vector of one preprocessed image (CHW tensor); completes on the model thread. */
  public CompletableFuture<float[]> submit(float[] tensor, Lane lane) {
    Request request = new Request(tensor, lane);
    enqueue(request);
    return request.result();
  }

  private void enqueue(Request request) {
    Lane lane = request.lane();
    lock.lock();
    try {
      if (closed) {
        request.result().completeExceptionally(new ModelException("the model stage was closed"));
        return;
      }
      (lane == Lane.INTERACTIVE ? interactive : bulk).add(request);
      if (lane == Lane.INTERACTIVE && running != null) running.request();
      arrived.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Waits for the vector of one tensor, in the interactive lane. */
  public float[] embed(float[] tensor) throws ModelException {
    return embedTimed(tensor).vector();
  }

  /** {@link #embed} with the split of its time. */
  public Timed embedTimed(float[] tensor) throws ModelException {
    long submitted = System.nanoTime();
    Request request = new Request(tensor, Lane.INTERACTIVE);
    enqueue(request);
    try {
      float[] vector = request.result().get();
      long started = request.started().get();
      return new Timed(vector, (started - submitted) / 1e6, (System.nanoTime() - started) / 1e6);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ModelException("interrupted while waiting for the model", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof ModelException m) throw m;
      throw new ModelException("the model failed: " + e.getCause().getMessage(), e.getCause());
    }
  }

  /** Interactive requests waiting for the model (for tests). */
  int interactiveWaiting() {
    lock.lock();
    try {
      return interactive.size();
    } finally {
      lock.unlock();
    }
  }

  /** Nanoseconds spent running the model so far (all batches). */
  public long busyNanos() {
    return busyNanos.get();
  }

  private void run() {
    while (true) {
      List<Request> batch;
      try {
        batch = nextBatch();
      } catch (InterruptedException e) {
        return; // close() fails what is still queued
      }
      long start = System.nanoTime();
      for (Request r : batch) r.started().set(start);
      if (stoppedBefore(batch)) {
        runOneByOne(batch);
        busyNanos.addAndGet(System.nanoTime() - start);
        continue;
      }
      Preemption preemption = preemptible(batch);
      try {
        float[][] vectors = model.embed(batch.stream().map(Request::tensor).toList(), preemption);
        for (int i = 0; i < batch.size(); i++) batch.get(i).result().complete(vectors[i]);
      } catch (ModelException.Preempted p) {
        requeue(batch);
      } catch (Throwable t) { // the batch's failure, never the stage's
        batch.forEach(r -> r.result().completeExceptionally(t));
      } finally {
        busyNanos.addAndGet(System.nanoTime() - start);
        if (preemption != null) clearRunning();
      }
    }
  }

  /**
   * A preemption for a batch of bulk work (never stopped before: that runs one by one), registered
   * as the one a person's request stops; null for interactive batches.
   */
  private Preemption preemptible(List<Request> batch) {
    boolean bulkWork = !batch.isEmpty() && batch.getFirst().lane() == Lane.BULK;
    return bulkWork ? registerPreemption() : null;
  }

  private Preemption registerPreemption() {
    Preemption preemption = new Preemption();
    lock.lock();
    try {
      running = preemption;
      if (!interactive.isEmpty()) preemption.request(); // arrived while the batch was taken
    } finally {
      lock.unlock();
    }
    return preemption;
  }

  private static boolean stoppedBefore(List<Request> batch) {
    return !batch.isEmpty()
        && batch.getFirst().lane() == Lane.BULK
        && batch.stream().anyMatch(r -> r.stops().get() > 0);
  }

  /**
   * Bulk work stopped once runs one image at a time, and gives way between two images when a
   * person's request waits; an image's run alone may be stopped once more. So a request waits for
   * an operator, at worst for one image's run, never for a whole batch; and every image is stopped
   * at most twice, so the bulk work is never starved.
   */
  private void runOneByOne(List<Request> batch) {
    for (int i = 0; i < batch.size(); i++) {
      if (i > 0 && interactiveWaiting() > 0) {
        putBack(batch.subList(i, batch.size()));
        return;
      }
      Request r = batch.get(i);
      Preemption preemption = r.stops().get() < 2 ? registerPreemption() : null;
      try {
        r.result().complete(model.embed(List.of(r.tensor()), preemption)[0]);
      } catch (ModelException.Preempted p) {
        r.stops().incrementAndGet(); // stopped alone too: the next turn runs it to the end
        preemptions.incrementAndGet();
        putBack(batch.subList(i, batch.size()));
        return;
      } catch (Throwable t) { // this image's failure, never the stage's
        r.result().completeExceptionally(t);
      } finally {
        if (preemption != null) clearRunning();
      }
    }
  }

  private void clearRunning() {
    lock.lock();
    try {
      running = null;
    } finally {
      lock.unlock();
    }
  }

  /** A stopped bulk batch goes back to the head of its lane, in order, to run one by one next. */
  private void requeue(List<Request> batch) {
    preemptions.incrementAndGet();
    putBack(batch);
  }

  private void putBack(List<Request> batch) {
    lock.lock();
    try {
      for (Request r : batch.reversed()) {
        if (r.stops().get() == 0) r.stops().set(1);
        bulk.addFirst(r);
      }
      arrived.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Bulk runs (a batch, or one image of a stopped batch) stopped for a person's request so far. */
  public long preemptions() {
    return preemptions.get();
  }

  /**
   * Interactive requests if any are waiting; else bulk ones, after a short wait for a fuller batch.
   */
  private List<Request> nextBatch() throws InterruptedException {
    int size = model.batchSize();
    lock.lockInterruptibly();
    try {
      while (interactive.isEmpty() && bulk.isEmpty()) arrived.await();
      long wait = TimeUnit.MILLISECONDS.toNanos(FILL_WAIT_MS);
      while (interactive.isEmpty() && bulk.size() < size && wait > 0)
        wait = arrived.awaitNanos(wait);
      ArrayDeque<Request> lane = interactive.isEmpty() ? bulk : interactive;
      List<Request> batch = new ArrayList<>(Math.min(size, lane.size()));
      while (batch.size() < size && !lane.isEmpty()) batch.add(lane.poll());
      return batch;
    } finally {
      lock.unlock();
    }
  }

  /** Stops the model thread; queued requests fail. Does not close the model (its owner does). */
  @Override
  public void close() {
    lock.lock();
    try {
      closed = true; // from now on a request fails at once
    } finally {
      lock.unlock();
    }
    worker.interrupt();
    try {
      worker.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    lock.lock();
    try {
      for (Request r : interactive)
        r.result().completeExceptionally(new ModelException("the model stage was closed"));
      for (Request r : bulk)
        r.result().completeExceptionally(new ModelException("the model stage was closed"));
      interactive.clear();
      bulk.clear();
    } finally {
      lock.unlock();
    }
  }
}
