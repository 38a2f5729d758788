package dss.ingest;

import dss.model.Embedder;
import dss.model.LazyEmbedder;
import dss.model.ModelException;
import dss.util.BackgroundPriority;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The model step of every ingest path: one thread runs the one model session on batches gathered from all callers
 * (bulk indexing, uploads, the embed command), which is what a GPU needs. A lone impatient request (an upload) runs
 * at once, so batching adds it no latency; patient requests (bulk work) wait up to {@link #FILL_WAIT_MS} for a
 * fuller batch.
 */
public final class ModelStage implements AutoCloseable {
  /** How long a batch holding bulk work waits for more tensors before it runs anyway. */
  static final long FILL_WAIT_MS = 20;

  private record Request(float[] tensor, boolean patient, CompletableFuture<float[]> result) {}

  private final LazyEmbedder model;
  private final BlockingQueue<Request> queue = new LinkedBlockingQueue<>();
  private final AtomicLong busyNanos = new AtomicLong();
  private final Thread worker;

  /** The model is opened by the first batch (or by {@link #embedder()}), not before. */
  public ModelStage(LazyEmbedder model) {
    this.model = model;
    this.worker = BackgroundPriority.start("dss-model", this::run); // behind request handling
  }

  /** The model's branch layout ({@link LazyEmbedder#branches()}), without opening a session. */
  public java.util.List<dss.model.Branch> branches() throws ModelException {
    return model.branches();
  }

  /** The model session, opened now if no batch has opened it yet. */
  public Embedder embedder() throws ModelException {
    return model.get();
  }

  public int batchSize() {
    return model.batchSize();
  }

  /** The unit vector of one preprocessed image (CHW tensor); completes on the model thread. */
  public CompletableFuture<float[]> submit(float[] tensor, boolean patient) {
    CompletableFuture<float[]> result = new CompletableFuture<>();
    queue.add(new Request(tensor, patient, result));
    return result;
  }

  /** Waits for the vector of one tensor. */
  public float[] embed(float[] tensor) throws ModelException {
    try {
      return submit(tensor, false).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ModelException("interrupted while waiting for the model", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof ModelException m) throw m;
      throw new ModelException("the model failed: " + e.getCause().getMessage(), e.getCause());
    }
  }

  /** Nanoseconds spent running the model so far (all batches). */
  public long busyNanos() {
    return busyNanos.get();
  }

  private void run() {
    int batchSize = model.batchSize();
    List<Request> batch = new ArrayList<>(batchSize);
    while (!Thread.currentThread().isInterrupted()) {
      try {
        batch.add(queue.take());
        queue.drainTo(batch, batchSize - batch.size());
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(FILL_WAIT_MS);
        while (batch.size() < batchSize && batch.stream().anyMatch(Request::patient)) {
          Request next = queue.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
          if (next == null) break;
          batch.add(next);
        }
      } catch (InterruptedException e) {
        batch.forEach(r -> r.result().completeExceptionally(new ModelException("the model stage was closed")));
        return;
      }
      long start = System.nanoTime();
      try {
        float[][] vectors = model.get().embed(batch.stream().map(Request::tensor).toList());
        busyNanos.addAndGet(System.nanoTime() - start);
        for (int i = 0; i < batch.size(); i++) batch.get(i).result().complete(vectors[i]);
      } catch (Throwable t) {
        busyNanos.addAndGet(System.nanoTime() - start);
        batch.forEach(r -> r.result().completeExceptionally(t));
      }
      batch.clear();
    }
  }

  /** Stops the model thread; pending requests fail. Does not close the embedder (its owner does). */
  @Override public void close() {
    worker.interrupt();
    try {
      worker.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (Request r; (r = queue.poll()) != null; ) r.result().completeExceptionally(new ModelException("closed"));
  }
}
