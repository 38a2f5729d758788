package dss.ingest;

import dss.image.ImageException;
import dss.image.ImagePipeline;
import dss.image.PreparedImage;
import dss.model.Embedder;
import dss.model.LazyEmbedder;
import dss.model.ModelException;
import dss.util.BackgroundPriority;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The one way images become vectors: read and decode+preprocess in parallel, embed in batches through the shared
 * {@link ModelStage}, hand the results to a writer, with bounded queues so memory stays flat on any library size.
 *
 * <pre>
 * walk (a thread) ──► [items] ──► decode workers ──► model stage (batches) ──► [results] ──► write (caller's thread)
 *                                       └─ vector already known (a copy) / nothing to do ──────┘
 * </pre>
 *
 * This class is the mechanics: stages, queues, back-pressure, failure containment, counters. What to do with each
 * item (the policy: what is new, a copy, where the result goes) is a {@link Job}; the bulk indexer
 * ({@link LibraryIndexer}), the {@code embed} command and the evaluation harness are jobs. One-image calls (uploads)
 * use {@link #embed(byte[], String)}: decoding on a small bounded pool of platform threads, so a burst of heavy
 * uploads gets {@link BusyException}s instead of starving the server.
 *
 * <p>A failure of one item (a bad file, an out-of-memory decode, a model error for its batch) is reported to the
 * job and the run goes on; only a failure of the walk or of the writer stops the run.
 */
public final class IngestPipeline implements AutoCloseable {
  private final ImagePipeline images;
  private final ModelStage model;
  private final int decodeThreads;
  private final ThreadPoolExecutor uploadDecoders;

  /**
   * @param decodeThreads parallel decode workers of a bulk run, and the size of the one-image decode pool
   */
  public IngestPipeline(ImagePipeline images, Embedder embedder, int decodeThreads) {
    this(images, LazyEmbedder.of(embedder), decodeThreads);
  }

  /** With a model opened only when the first image needs embedding (see {@link LazyEmbedder}). */
  public IngestPipeline(ImagePipeline images, LazyEmbedder model, int decodeThreads) {
    if (decodeThreads < 1) throw new IllegalArgumentException("decode threads must be at least 1: " + decodeThreads);
    dss.image.NativeCodecs.logMissingOnce(); // one line naming a missing native library and what it costs
    this.images = images;
    this.model = new ModelStage(model);
    this.decodeThreads = decodeThreads;
    // A waiting line of two per worker; beyond that callers are told to retry rather than queue up memory.
    this.uploadDecoders = new ThreadPoolExecutor(decodeThreads, decodeThreads, 30, TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(2 * decodeThreads), BackgroundPriority.threads("dss-decode-"));
    uploadDecoders.allowCoreThreadTimeOut(true);
  }

  /** With one decode worker per core. */
  public IngestPipeline(ImagePipeline images, Embedder embedder) {
    this(images, embedder, Math.max(1, Runtime.getRuntime().availableProcessors()));
  }

  public ImagePipeline images() {
    return images;
  }

  /** The model's branch layout from its manifest (no session opened); empty for a single-backbone model. */
  public java.util.List<dss.model.Branch> branches() throws ModelException {
    return model.branches();
  }

  /** The model session (opened now if nothing has needed it yet). */
  public Embedder embedder() throws ModelException {
    return model.embedder();
  }

  /** An image turned into a vector, with what the index records about it and where the time went. */
  public record Embedded(float[] vector, PreparedImage image, double decodeMs, double modelMs) {}

  /**
   * One image in memory (an upload); {@code name} names it in errors.
   *
   * @throws BusyException when every decode slot and waiting place is taken
   */
  public Embedded embed(byte[] bytes, String name) throws ImageException, ModelException {
    long t0 = System.nanoTime();
    Future<PreparedImage> decoded;
    try {
      decoded = uploadDecoders.submit(() -> images.prepare(bytes, name));
    } catch (RejectedExecutionException e) {
      throw new BusyException("the server is busy decoding other images; retry in a moment");
    }
    PreparedImage image;
    try {
      image = decoded.get();
    } catch (InterruptedException e) {
      decoded.cancel(true);
      Thread.currentThread().interrupt();
      throw new ModelException("interrupted", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof ImageException ie) throw ie;
      throw new ImageException(name, "cannot decode: " + e.getCause(), e.getCause());
    }
    return embedPrepared(image, t0);
  }

  /**
   * Runs another decode for a request (a server's thumbnail) on the same bounded pool as {@link #embed(byte[],
   * String)}, so every heavy decode of a server is limited together; returns the task's result or rethrows its
   * exception.
   *
   * @throws BusyException when every decode slot and waiting place is taken
   */
  public <V> V onDecodePool(Callable<V> task) throws Exception {
    Future<V> result;
    try {
      result = uploadDecoders.submit(task);
    } catch (RejectedExecutionException e) {
      throw new BusyException("the server is busy decoding other images; retry in a moment");
    }
    try {
      return result.get();
    } catch (InterruptedException e) {
      result.cancel(true);
      Thread.currentThread().interrupt();
      throw e;
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }

  /** One image file, decoded on the calling thread (a command line with one query image). */
  public Embedded embed(Path file) throws ImageException, ModelException {
    long t0 = System.nanoTime();
    return embedPrepared(images.prepare(file), t0);
  }

  private Embedded embedPrepared(PreparedImage image, long t0) throws ModelException {
    long t1 = System.nanoTime();
    float[] vector = model.embed(image.tensor());
    return new Embedded(vector, image, (t1 - t0) / 1e6, (System.nanoTime() - t1) / 1e6);
  }

  /**
   * Embeds files, handing each result to {@code out} in input order (a file that failed comes with its reason).
   * Decoding runs on the decode workers, a few batches ahead of the model.
   */
  public Totals embedFiles(List<Path> files, FileResults out) throws IOException, InterruptedException {
    return run(new Job<Integer, PreparedImage>() {
      private final TreeMap<Integer, Runnable> waiting = new TreeMap<>();
      private int next;

      @Override public void walk(Emitter<Integer> emit) throws InterruptedException {
        for (int i = 0; i < files.size(); i++) emit.item(i);
      }

      @Override public String name(Integer i) {
        return files.get(i).toString();
      }

      @Override public Step<PreparedImage> prepare(Integer i) throws ImageException {
        PreparedImage image = images.prepare(files.get(i));
        return Step.embed(image, image.tensor());
      }

      @Override public void write(Integer i, PreparedImage image, float[] vector) {
        inOrder(i, () -> out.accept(i, files.get(i), vector, null));
      }

      @Override public void failed(Integer i, String reason) {
        inOrder(i, () -> out.accept(i, files.get(i), null, reason));
      }

      private void inOrder(int i, Runnable emit) {
        waiting.put(i, emit);
        while (!waiting.isEmpty() && waiting.firstKey() == next) {
          waiting.pollFirstEntry().getValue().run();
          next++;
        }
      }
    });
  }

  /** Receives the results of {@link #embedFiles}: a vector, or null and the reason the file failed. */
  @FunctionalInterface
  public interface FileResults {
    void accept(int index, Path file, float[] vector, String error);
  }

  /**
   * What one bulk run does with its items: the policy. {@code walk} runs on a thread of its own, {@code prepare}
   * on the decode workers (concurrently), {@code write}, {@code failed} and {@code tick} on the thread that called
   * {@link #run}, one at a time.
   *
   * @param <T> an item of work (a file)
   * @param <R> what {@code prepare} learns about it and {@code write} needs (e.g. the record to index)
   */
  public interface Job<T, R> {
    /** Emits the items; a problem found while walking (an unreadable folder) is reported as a failure. */
    void walk(Emitter<T> emit) throws Exception;

    /** How the item is called in failure reports. */
    String name(T item);

    /** Reads and decodes the item: a tensor for the model, a vector already known, or nothing to do. */
    Step<R> prepare(T item) throws Exception;

    /** The item's vector is ready. */
    void write(T item, R result, float[] vector) throws IOException;

    /** The item could not be embedded; the run goes on. */
    void failed(T item, String reason) throws IOException;

    /** Called after each write and a few times a second while waiting: e.g. commit on schedule. */
    default void tick() throws IOException {}
  }

  /** How the walk hands items on; blocks while the pipeline is full (back-pressure). */
  public interface Emitter<T> {
    void item(T item) throws InterruptedException;

    void failure(T item, String reason) throws InterruptedException;
  }

  /** What {@link Job#prepare} decided for one item. */
  public sealed interface Step<R> {
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

  /**
   * The counts of a run. Busy times are summed over the threads of each stage (they overlap, so together they may
   * exceed {@code seconds}); model time is the model thread's, shared with any concurrent one-image calls.
   */
  public record Totals(long items, long embedded, long known, long skipped, long failed, double seconds,
                       double decodeSeconds, double modelSeconds, double writeSeconds) {}

  /** A finished item on its way to the writer. */
  private record Result<T, R>(T item, R result, float[] vector, String error) {}

  /**
   * Runs {@code job} to the end: every item emitted is written, failed or skipped.
   *
   * @throws IOException when the walk or the writer fails (items' problems are failures, not exceptions)
   */
  public <T, R> Totals run(Job<T, R> job) throws IOException, InterruptedException {
    long start = System.nanoTime();
    long modelStart = model.busyNanos();
    int batch = model.batchSize();
    int maxInFlight = decodeThreads * 4 + batch * 4;
    Semaphore slots = new Semaphore(maxInFlight); // bounds memory: items between the walk and the writer
    BlockingQueue<T> items = new ArrayBlockingQueue<>(decodeThreads * 4);
    BlockingQueue<Result<T, R>> results = new LinkedBlockingQueue<>();
    AtomicInteger pending = new AtomicInteger();
    AtomicLong embedded = new AtomicLong(), known = new AtomicLong(), skipped = new AtomicLong();
    AtomicLong decodeNanos = new AtomicLong();
    AtomicInteger walking = new AtomicInteger(1);
    long failed = 0, writeNanos = 0;

    // Daemon threads: after a fatal writer error, a stage stuck on a full queue must not keep the JVM alive.
    ExecutorService threads =
        Executors.newFixedThreadPool(decodeThreads + 1, BackgroundPriority.threads("dss-ingest-"));
    try {
      Emitter<T> emitter = new Emitter<>() {
        @Override public void item(T item) throws InterruptedException {
          slots.acquire();
          pending.incrementAndGet();
          items.put(item);
        }

        @Override public void failure(T item, String reason) throws InterruptedException {
          slots.acquire();
          pending.incrementAndGet();
          results.put(new Result<>(item, null, null, reason));
        }
      };
      Future<?> walk = threads.submit(() -> {
        try {
          job.walk(emitter);
        } finally {
          walking.set(0);
        }
        return null;
      });
      for (int w = 0; w < decodeThreads; w++) {
        threads.submit(() -> {
          while (true) {
            T item = items.take();
            long t = System.nanoTime();
            Step<R> step;
            try {
              step = job.prepare(item);
            } catch (Throwable e) { // one file's problem, even an OutOfMemoryError, stays that file's
              step = null;
              results.put(new Result<>(item, null, null, reason(e)));
            } finally {
              decodeNanos.addAndGet(System.nanoTime() - t);
            }
            switch (step) {
              case Step.Embed<R> e -> model.submit(e.tensor(), true).whenComplete((vector, error) -> {
                if (error == null) embedded.incrementAndGet();
                results.add(new Result<>(item, e.result(), vector,
                    error == null ? null : "model failed: " + error.getMessage()));
              });
              case Step.Known<R> k -> {
                known.incrementAndGet();
                results.put(new Result<>(item, k.result(), k.vector(), null));
              }
              case Step.Skip<R> s -> {
                skipped.incrementAndGet();
                pending.decrementAndGet();
                slots.release();
              }
              case null -> { }
            }
          }
        });
      }

      while (walking.get() == 1 || pending.get() > 0) {
        Result<T, R> r = results.poll(200, TimeUnit.MILLISECONDS);
        long t = System.nanoTime();
        if (r != null) {
          try {
            if (r.error() != null) {
              failed++;
              job.failed(r.item(), r.error());
            } else {
              job.write(r.item(), r.result(), r.vector());
            }
          } finally {
            pending.decrementAndGet();
            slots.release();
          }
        }
        job.tick();
        writeNanos += System.nanoTime() - t;
        if (walk.isDone()) rethrow(walk);
      }
      rethrow(walk);
      return new Totals(embedded.get() + known.get() + skipped.get() + failed, embedded.get(), known.get(),
          skipped.get(), failed, seconds(System.nanoTime() - start), seconds(decodeNanos.get()),
          seconds(model.busyNanos() - modelStart), seconds(writeNanos));
    } finally {
      threads.shutdownNow();
      threads.awaitTermination(1, TimeUnit.MINUTES);
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
      Throwable cause = e.getCause() instanceof java.io.UncheckedIOException u ? u.getCause() : e.getCause();
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

  /** Stops the model thread and the decode pool; does not close the embedder. */
  @Override public void close() {
    uploadDecoders.shutdownNow();
    model.close();
  }
}
