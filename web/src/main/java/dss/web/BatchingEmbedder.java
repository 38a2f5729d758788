package dss.web;

import dss.model.Embedder;
import dss.model.ModelException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Shares one model session between concurrent uploads: requests queue up while the model is busy and the next run
 * takes all of them (up to the embedder's batch size) as one batch. A lone request runs at once, unbatched, so
 * batching adds no latency; under load it turns N session runs into one, which is what a GPU needs.
 */
final class BatchingEmbedder implements AutoCloseable {
  private record Request(float[] tensor, CompletableFuture<float[]> result) {}

  private final Embedder embedder;
  private final BlockingQueue<Request> queue = new LinkedBlockingQueue<>();
  private final Thread worker;

  BatchingEmbedder(Embedder embedder) {
    this.embedder = embedder;
    this.worker = Thread.ofPlatform().daemon().name("dss-embed-batcher").start(this::run);
  }

  Embedder embedder() {
    return embedder;
  }

  /** The unit vector of one preprocessed image (CHW tensor). */
  float[] embed(float[] tensor) throws ModelException {
    CompletableFuture<float[]> result = new CompletableFuture<>();
    queue.add(new Request(tensor, result));
    try {
      return result.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ModelException("interrupted while waiting for the model", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof ModelException m) throw m;
      throw new ModelException("the model failed: " + e.getCause().getMessage(), e.getCause());
    }
  }

  private void run() {
    List<Request> batch = new ArrayList<>();
    while (!Thread.currentThread().isInterrupted()) {
      try {
        batch.add(queue.take());
      } catch (InterruptedException e) {
        return;
      }
      queue.drainTo(batch, Math.max(0, embedder.batchSize() - 1));
      try {
        float[][] vectors = embedder.embed(batch.stream().map(Request::tensor).toList());
        for (int i = 0; i < batch.size(); i++) batch.get(i).result().complete(vectors[i]);
      } catch (Throwable t) {
        batch.forEach(r -> r.result().completeExceptionally(t));
      }
      batch.clear();
    }
  }

  @Override public void close() {
    worker.interrupt();
  }
}
