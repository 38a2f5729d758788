package dss.ingest;

import static dss.ingest.CountingModel.tensor;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dss.model.ModelException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The model stage on its own, with a counting model: lanes, batching, failures, closing. */
class ModelStageTest {
  /**
   * While a batch of bulk work is in the model, three more batches of bulk work queue up, then an
   * upload arrives: the upload runs in the very next batch, alone, instead of after the queued bulk
   * work.
   */
  @Test
  void anInteractiveRequestOvertakesQueuedBulkWork() throws Exception {
    CountingModel model = new CountingModel(2, true);
    try (ModelStage stage = new ModelStage(model)) {
      List<CompletableFuture<float[]>> bulk = new ArrayList<>();
      bulk.add(stage.submit(tensor(0), ModelStage.Lane.BULK));
      bulk.add(stage.submit(tensor(1), ModelStage.Lane.BULK));
      assertTrue(
          model.firstBatchEntered.await(30, TimeUnit.SECONDS),
          "the first batch never reached the model");
      for (int i = 2; i < 8; i++) bulk.add(stage.submit(tensor(i), ModelStage.Lane.BULK));
      CompletableFuture<float[]> upload = stage.submit(tensor(100), ModelStage.Lane.INTERACTIVE);
      model.release();

      assertArrayEquals(new float[] {100}, upload.get(30, TimeUnit.SECONDS));
      for (int i = 0; i < bulk.size(); i++)
        assertArrayEquals(new float[] {i}, bulk.get(i).get(30, TimeUnit.SECONDS));
      List<List<Float>> batches = model.batches();
      assertEquals(
          List.of(100f),
          batches.get(1),
          "the upload waits for the batch in flight only: " + batches);
      assertEquals(
          List.of(List.of(2f, 3f), List.of(4f, 5f), List.of(6f, 7f)),
          batches.subList(2, 5),
          "the queued bulk work runs after it, in order and in full batches");
    }
  }

  /**
   * An upload's timings split its wait for the batch in flight from its own run: the wait covers at
   * least the time the test held the bulk batch after the upload was queued.
   */
  @Test
  void anInteractiveRequestReportsItsWaitForTheBatchInFlight() throws Exception {
    CountingModel model = new CountingModel(2, true);
    try (ModelStage stage = new ModelStage(model)) {
      stage.submit(tensor(0), ModelStage.Lane.BULK);
      assertTrue(model.firstBatchEntered.await(30, TimeUnit.SECONDS));
      CompletableFuture<ModelStage.Timed> upload =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return stage.embedTimed(tensor(100));
                } catch (ModelException e) {
                  throw new IllegalStateException(e);
                }
              });
      while (stage.interactiveWaiting() == 0) Thread.onSpinWait();
      long queued = System.nanoTime(); // the upload was submitted before this
      TimeUnit.MILLISECONDS.sleep(50); // keep the bulk batch in the model a while
      long held = System.nanoTime() - queued;
      model.release();
      ModelStage.Timed timed = upload.get(30, TimeUnit.SECONDS);
      assertArrayEquals(new float[] {100}, timed.vector());
      assertTrue(timed.waitMs() >= held / 1e6, timed + " waited less than the bulk batch was held");
      assertTrue(
          timed.runMs() < timed.waitMs(), "the upload's own run is the short part: " + timed);
    }
  }

  /**
   * A person's request stops the bulk batch in the model (between two operators in ONNX Runtime);
   * the request runs next, and the stopped batch then runs one image at a time, each image's run
   * stoppable once more: each bulk result is delivered once, and no image is stopped more than
   * twice, so uploads cannot starve indexing.
   */
  @Test
  void anInteractiveRequestPreemptsTheBulkBatchThenItRunsOneByOne() throws Exception {
    PreemptibleModel model = new PreemptibleModel();
    try (ModelStage stage = new ModelStage(model)) {
      List<CompletableFuture<float[]>> bulk =
          List.of(
              stage.submit(tensor(0), ModelStage.Lane.BULK),
              stage.submit(tensor(1), ModelStage.Lane.BULK));
      model.entered.take(); // [0, 1] is in the model
      CompletableFuture<float[]> first = stage.submit(tensor(100), ModelStage.Lane.INTERACTIVE);
      assertArrayEquals(new float[] {100}, first.get(30, TimeUnit.SECONDS));
      model.entered.take(); // [100]
      model.entered.take(); // [0] alone, held: stopped by the next request, then run to the end
      CompletableFuture<float[]> second = stage.submit(tensor(101), ModelStage.Lane.INTERACTIVE);
      assertEquals(List.of(101f), model.entered.take(), "image 0 alone was stopped for it");
      model.releaseAll();
      for (int i = 0; i < 2; i++)
        assertArrayEquals(new float[] {i}, bulk.get(i).get(30, TimeUnit.SECONDS));
      assertArrayEquals(new float[] {101}, second.get(30, TimeUnit.SECONDS));
      assertEquals(
          List.of(
              List.of(0f, 1f), List.of(100f), List.of(0f), List.of(101f), List.of(0f), List.of(1f)),
          model.batches(),
          "stopped in its batch, then one by one, image 0 stopped alone once more and then run");
      assertEquals(2, stage.preemptions());
    }
  }

  /**
   * Holds every bulk batch until released or stopped by its preemption; interactive batches run at
   * once. Reports each batch as it enters.
   */
  private static final class PreemptibleModel implements BatchEmbedder {
    final java.util.concurrent.BlockingQueue<List<Float>> entered =
        new java.util.concurrent.LinkedBlockingQueue<>();
    private final List<List<Float>> batches = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final java.util.concurrent.CountDownLatch released =
        new java.util.concurrent.CountDownLatch(1);

    void releaseAll() {
      released.countDown();
    }

    List<List<Float>> batches() {
      return List.copyOf(batches);
    }

    @Override
    public int batchSize() {
      return 2;
    }

    @Override
    public float[][] embed(List<float[]> tensors) throws ModelException {
      return embed(tensors, null);
    }

    @Override
    public float[][] embed(List<float[]> tensors, dss.model.Preemption preemption)
        throws ModelException {
      List<Float> labels = tensors.stream().map(t -> t[0]).toList();
      batches.add(labels);
      entered.add(labels);
      boolean bulkWork = labels.getFirst() < 100;
      try {
        while (bulkWork && !released.await(1, TimeUnit.MILLISECONDS)) {
          if (preemption != null && preemption.requested()) throw new ModelException.Preempted();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ModelException("interrupted", e);
      }
      float[][] vectors = new float[labels.size()][];
      for (int i = 0; i < vectors.length; i++) vectors[i] = new float[] {labels.get(i)};
      return vectors;
    }
  }

  /**
   * Queued interactive requests go together, never mixed with bulk work, in the order they came.
   */
  @Test
  void interactiveRequestsAreBatchedTogetherAheadOfBulk() throws Exception {
    CountingModel model = new CountingModel(3, true);
    try (ModelStage stage = new ModelStage(model)) {
      CompletableFuture<float[]> first = stage.submit(tensor(-1), ModelStage.Lane.INTERACTIVE);
      assertTrue(model.firstBatchEntered.await(30, TimeUnit.SECONDS));
      List<CompletableFuture<float[]>> all = new ArrayList<>();
      for (int i = 0; i < 3; i++) all.add(stage.submit(tensor(i), ModelStage.Lane.BULK));
      for (int i = 10; i < 14; i++) all.add(stage.submit(tensor(i), ModelStage.Lane.INTERACTIVE));
      model.release();
      first.get(30, TimeUnit.SECONDS);
      for (CompletableFuture<float[]> f : all) f.get(30, TimeUnit.SECONDS);
      assertEquals(
          List.of(List.of(-1f), List.of(10f, 11f, 12f), List.of(13f), List.of(0f, 1f, 2f)),
          model.batches());
    }
  }

  /** Bulk requests queued while the model is busy go in batches of the model's batch size. */
  @Test
  void bulkWorkIsBatched() throws Exception {
    CountingModel model = new CountingModel(4, true);
    try (ModelStage stage = new ModelStage(model)) {
      List<CompletableFuture<float[]>> results = new ArrayList<>();
      results.add(stage.submit(tensor(0), ModelStage.Lane.BULK));
      assertTrue(model.firstBatchEntered.await(30, TimeUnit.SECONDS));
      for (int i = 1; i <= 10; i++) results.add(stage.submit(tensor(i), ModelStage.Lane.BULK));
      model.release();
      for (int i = 0; i < results.size(); i++)
        assertArrayEquals(new float[] {i}, results.get(i).get(30, TimeUnit.SECONDS));
      assertEquals(
          List.of(List.of(0f), List.of(1f, 2f, 3f, 4f), List.of(5f, 6f, 7f, 8f), List.of(9f, 10f)),
          model.batches());
    }
  }

  /** A model error fails the requests of its batch, and only those; the stage goes on. */
  @Test
  void aFailedBatchFailsOnlyItsRequests() throws Exception {
    CountingModel model = new CountingModel(2, false);
    model.failWhen(batch -> batch.contains(13f));
    try (ModelStage stage = new ModelStage(model)) {
      ExecutionException e =
          assertThrows(
              ExecutionException.class,
              () ->
                  stage.submit(tensor(13), ModelStage.Lane.INTERACTIVE).get(30, TimeUnit.SECONDS));
      assertInstanceOf(ModelException.class, e.getCause());
      assertTrue(
          e.getCause().getMessage().contains("refused batch [13.0]"), e.getCause().getMessage());
      assertArrayEquals(new float[] {14}, stage.embed(tensor(14)));
    }
  }

  /**
   * Closing fails what is still queued, and what is submitted afterwards, instead of leaving
   * callers waiting.
   */
  @Test
  void closingFailsQueuedRequests() throws Exception {
    CountingModel model = new CountingModel(1, true);
    CompletableFuture<float[]> queued;
    ModelStage stage = new ModelStage(model);
    stage.submit(tensor(0), ModelStage.Lane.BULK);
    assertTrue(model.firstBatchEntered.await(30, TimeUnit.SECONDS));
    queued = stage.submit(tensor(1), ModelStage.Lane.BULK);
    stage.close(); // interrupts the batch held at the gate
    ExecutionException e =
        assertThrows(ExecutionException.class, () -> queued.get(30, TimeUnit.SECONDS));
    assertInstanceOf(ModelException.class, e.getCause());
    ExecutionException late =
        assertThrows(
            ExecutionException.class,
            () -> stage.submit(tensor(2), ModelStage.Lane.INTERACTIVE).get(30, TimeUnit.SECONDS));
    assertTrue(late.getCause().getMessage().contains("closed"), late.getCause().getMessage());
  }
}
