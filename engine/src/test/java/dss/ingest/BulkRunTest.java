package dss.ingest;

import static dss.ingest.CountingModel.tensor;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The bulk run's mechanics on their own: a fake job (items are numbers, "decoding" makes a
 * one-number tensor) and a counting model, so that back-pressure, failure containment, batching and
 * ordering are checked directly.
 */
@Timeout(120)
class BulkRunTest {
  /**
   * A job over items 0..n-1; {@code prepare} decides each item's step; writes and failures are
   * recorded.
   */
  static class NumbersJob implements BulkJob<Integer, Integer> {
    final int n;
    final IntFunction<Step<Integer>> prepare;
    final Map<Integer, float[]> written = new ConcurrentHashMap<>();
    final Map<Integer, String> failed = new ConcurrentHashMap<>();
    final AtomicLong emitted = new AtomicLong();
    final AtomicLong finished = new AtomicLong();
    long mostInFlight;
    final List<Runnable> afterEmit = new ArrayList<>();

    NumbersJob(int n, IntFunction<Step<Integer>> prepare) {
      this.n = n;
      this.prepare = prepare;
    }

    @Override
    public void walk(Emitter<Integer> emit) throws Exception {
      for (int i = 0; i < n; i++) {
        emit.item(i);
        emitted.incrementAndGet();
        mostInFlight = Math.max(mostInFlight, emitted.get() - finished.get());
        afterEmit.forEach(Runnable::run);
      }
    }

    @Override
    public String name(Integer item) {
      return "item " + item;
    }

    @Override
    public Step<Integer> prepare(Integer item) {
      return prepare.apply(item);
    }

    @Override
    public void write(Integer item, Integer result, float[] vector) {
      written.put(item, vector);
      finished.incrementAndGet();
    }

    @Override
    public void failed(Integer item, String reason) {
      failed.put(item, reason);
      finished.incrementAndGet();
    }
  }

  static BulkJob.Step<Integer> embed(int item) {
    return BulkJob.Step.embed(item, tensor(item));
  }

  /**
   * With the model stuck on its first batch, the walk can get 24 items ahead (two decode workers,
   * batches of four) and no further; over 20,000 items the number between the walk and the writer
   * never exceeds that, so memory stays flat whatever the library size.
   */
  @Test
  void backPressureHoldsTheWalkAndKeepsMemoryFlat() throws Exception {
    int limit = 2 * 4 + 4 * 4; // the documented bound: 4 per decode worker and 4 batches
    CountingModel model = new CountingModel(4, true);
    NumbersJob job = new NumbersJob(20_000, BulkRunTest::embed);
    job.afterEmit.add(
        () -> {
          if (job.emitted.get() == limit)
            model.release(); // the walk got as far as allowed with the model stuck
        });
    try (ModelStage stage = new ModelStage(model)) {
      BulkRun.Totals totals = new BulkRun(stage, 2).run(job);
      assertEquals(20_000, totals.embedded());
      assertEquals(20_000, job.written.size());
      assertTrue(
          job.mostInFlight <= limit, "items in flight: " + job.mostInFlight + ", bound " + limit);
      assertTrue(
          job.mostInFlight == limit, "the walk was held before the bound: " + job.mostInFlight);
    }
  }

  /**
   * An out-of-memory error while decoding one item is that item's failure; the run goes on to the
   * end.
   */
  @Test
  void anOutOfMemoryErrorIsThatItemsFailure() throws Exception {
    NumbersJob job =
        new NumbersJob(
            50,
            i -> {
              if (i == 7) throw new OutOfMemoryError("Java heap space");
              if (i == 8) throw new IllegalStateException("a decoder bug");
              return embed(i);
            });
    try (ModelStage stage = new ModelStage(new CountingModel(4, false))) {
      BulkRun.Totals totals = new BulkRun(stage, 2).run(job);
      assertEquals(2, totals.failed());
      assertEquals(48, totals.embedded());
      assertEquals("not enough memory to decode it (Java heap space)", job.failed.get(7));
      assertTrue(
          job.failed
              .get(8)
              .startsWith("cannot decode: java.lang.IllegalStateException: a decoder bug"),
          job.failed.get(8));
      for (int i = 0; i < 50; i++)
        if (i != 7 && i != 8) assertArrayEquals(new float[] {i}, job.written.get(i));
    }
  }

  /**
   * A model failure fails the items of its batch only; known vectors and skipped items never reach
   * the model.
   */
  @Test
  void stepsAndModelFailures() throws Exception {
    CountingModel model = new CountingModel(1, false);
    model.failWhen(batch -> batch.contains(6f));
    NumbersJob job =
        new NumbersJob(
            30,
            i ->
                i % 3 == 1
                    ? BulkJob.Step.known(i, new float[] {-i})
                    : i % 3 == 2 ? BulkJob.Step.skip() : embed(i));
    try (ModelStage stage = new ModelStage(model)) {
      BulkRun.Totals totals = new BulkRun(stage, 3).run(job);
      assertEquals(30, totals.items());
      assertEquals(9, totals.embedded());
      assertEquals(10, totals.known());
      assertEquals(10, totals.skipped());
      assertEquals(1, totals.failed());
      assertTrue(job.failed.get(6).startsWith("model failed: "), job.failed.get(6));
      assertArrayEquals(new float[] {-4}, job.written.get(4));
      assertEquals(
          List.of(0f, 3f, 6f, 9f, 12f, 15f, 18f, 21f, 24f, 27f),
          model.batches().stream().flatMap(List::stream).sorted().toList());
    }
  }

  /** Items decoded while the model is busy reach it in full batches. */
  @Test
  void aBulkRunFillsBatches() throws Exception {
    CountingModel model = new CountingModel(4, true);
    CountDownLatch allPrepared = new CountDownLatch(17);
    NumbersJob job =
        new NumbersJob(
            17,
            i -> {
              allPrepared.countDown();
              return embed(i);
            });
    job.afterEmit.add(
        () -> {
          if (job.emitted.get() == 17) {
            try {
              assertTrue(allPrepared.await(30, TimeUnit.SECONDS));
            } catch (InterruptedException e) {
              throw new AssertionError(e);
            }
            model.release();
          }
        });
    try (ModelStage stage = new ModelStage(model)) {
      assertEquals(17, new BulkRun(stage, 2).run(job).embedded());
    }
    List<List<Float>> batches = model.batches();
    // the first batch went in alone or nearly; the 16 or so decoded behind it waited and went four
    // at a time
    assertEquals(17, batches.stream().mapToInt(List::size).sum());
    for (List<Float> batch : batches.subList(1, batches.size() - 1))
      assertEquals(4, batch.size(), "" + batches);
    assertTrue(batches.size() <= 6, "" + batches);
  }

  /**
   * {@code embed}'s ordered results: the first file is decoded last (it waits until the sixth is
   * done), yet results come out in input order, a failed file in its place.
   */
  @Test
  void fileEmbeddingKeepsInputOrder() throws Exception {
    List<Path> files = new ArrayList<>();
    for (int i = 0; i < 12; i++) files.add(Path.of("photo" + i + ".jpg"));
    CountDownLatch sixthDone = new CountDownLatch(1);
    FileEmbedding.Tensors tensors =
        file -> {
          int i = Integer.parseInt(file.toString().replaceAll("\\D", ""));
          if (i == 0 && !sixthDone.await(30, TimeUnit.SECONDS))
            throw new AssertionError("photo5 never decoded");
          if (i == 5) sixthDone.countDown();
          if (i == 3)
            throw new dss.image.ImageException(file, "not an image (unrecognised content)");
          return tensor(i);
        };
    List<String> seen = new ArrayList<>();
    try (ModelStage stage = new ModelStage(new CountingModel(4, false))) {
      new BulkRun(stage, 2)
          .run(
              new FileEmbedding(
                  files,
                  tensors,
                  (i, file, vector, error) ->
                      seen.add(i + " " + file + " " + (vector == null ? error : vector[0]))));
    }
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      expected.add(
          i
              + " photo"
              + i
              + ".jpg "
              + (i == 3 ? "not an image (unrecognised content)" : (float) i));
    }
    assertEquals(expected, seen);
  }

  /**
   * A walk that fails stops the run with its exception (a folder gone is not one file's failure).
   */
  @Test
  void aFailedWalkStopsTheRun() throws Exception {
    BulkJob<Integer, Integer> job =
        new NumbersJob(0, BulkRunTest::embed) {
          @Override
          public void walk(Emitter<Integer> emit) throws Exception {
            emit.item(1);
            throw new IOException("the library folder went away");
          }
        };
    try (ModelStage stage = new ModelStage(new CountingModel(4, false))) {
      IOException e =
          org.junit.jupiter.api.Assertions.assertThrows(
              IOException.class, () -> new BulkRun(stage, 2).run(job));
      assertEquals("the library folder went away", e.getMessage());
    }
  }
}
