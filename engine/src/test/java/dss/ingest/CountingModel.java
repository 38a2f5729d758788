package dss.ingest;

import dss.model.ModelException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.function.Predicate;

/**
 * A test double of the ONNX model for unit tests of the model stage and the bulk run: a tensor's
 * "vector" is its first number (an item's label), every batch is recorded, the first batch can be
 * held at a gate until the test releases it, and a batch can be made to fail. End-to-end tests use
 * the real test model instead.
 */
final class CountingModel implements BatchEmbedder {
  private final int batchSize;
  private final List<List<Float>> batches = new ArrayList<>();

  /** Counted down when the first batch has entered the model (and is held at the gate). */
  final CountDownLatch firstBatchEntered = new CountDownLatch(1);

  private final CountDownLatch gate;
  private volatile Predicate<List<Float>> failWhen = batch -> false;

  /**
   * @param held whether the first batch waits at the gate until {@link #release()}
   */
  CountingModel(int batchSize, boolean held) {
    this.batchSize = batchSize;
    this.gate = new CountDownLatch(held ? 1 : 0);
  }

  /** A tensor labelled {@code label}. */
  static float[] tensor(float label) {
    return new float[] {label};
  }

  void release() {
    gate.countDown();
  }

  /** Batches whose labels match fail with a ModelException. */
  void failWhen(Predicate<List<Float>> batch) {
    failWhen = batch;
  }

  @Override
  public int batchSize() {
    return batchSize;
  }

  @Override
  public float[][] embed(List<float[]> tensors) throws ModelException {
    List<Float> labels = tensors.stream().map(t -> t[0]).toList();
    synchronized (this) {
      batches.add(labels);
    }
    firstBatchEntered.countDown();
    try {
      gate.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ModelException("interrupted", e);
    }
    if (failWhen.test(labels))
      throw new ModelException("the counting model refused batch " + labels);
    float[][] vectors = new float[tensors.size()][];
    for (int i = 0; i < vectors.length; i++) vectors[i] = new float[] {labels.get(i)};
    return vectors;
  }

  /** The labels of every batch so far, in the order the model ran them. */
  synchronized List<List<Float>> batches() {
    return List.copyOf(batches);
  }
}
