package dss.ingest;

import java.io.IOException;

/**
 * What one bulk run ({@link BulkRun}) does with its items: the policy, apart from the mechanics.
 * {@code walk} runs on a thread of its own, {@code prepare} on the decode workers (concurrently),
 * {@code write}, {@code failed} and {@code tick} on the thread that called {@link BulkRun#run}, one
 * at a time. The bulk indexer ({@link LibraryIndexer}), the {@code embed} command and the
 * evaluation harness ({@link FileEmbedding}) are jobs.
 *
 * @param <T> an item of work (a file)
 * @param <R> what {@code prepare} learns about it and {@code write} needs (e.g. the record to
 *     index)
 */
public interface BulkJob<T, R> {
  /**
   * Emits the items; a problem found while walking (an unreadable folder) is reported as a failure.
   */
  void walk(Emitter<T> emit) throws Exception;

  /** How the item is called in failure reports. */
  String name(T item);

  /**
   * Reads and decodes the item: a tensor for the model, a vector already known, or nothing to do.
   */
  Step<R> prepare(T item) throws Exception;

  /** The item's vector is ready. */
  void write(T item, R result, float[] vector) throws IOException;

  /** The item could not be embedded; the run goes on. */
  void failed(T item, String reason) throws IOException;

  /** Called after each write and a few times a second while waiting: e.g. commit on schedule. */
  default void tick() throws IOException {}

  /** How the walk hands items on; blocks while the run is full (back-pressure). */
  interface Emitter<T> {
    void item(T item) throws InterruptedException;

    void failure(T item, String reason) throws InterruptedException;
  }

  /** What {@link #prepare} decided for one item. */
  sealed interface Step<R> {
    record Embed<R>(R result, float[] tensor) implements Step<R> {}

    record Known<R>(R result, float[] vector) implements Step<R> {}

    record Skip<R>() implements Step<R> {}

    static <R> Step<R> embed(R result, float[] tensor) {
      return new Embed<>(result, tensor);
    }

    static <R> Step<R> known(R result, float[] vector) {
      return new Known<>(result, vector);
    }

    static <R> Step<R> skip() {
      return new Skip<>();
    }
  }
}
