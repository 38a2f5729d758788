package dss.ingest;

import dss.image.ImageException;
import dss.image.ImagePipeline;
import dss.image.PreparedImage;
import dss.util.BackgroundPriority;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Admission for the decodes a request needs (an upload): a small pool of platform threads with two
 * waiting places per thread, apart from the threads answering requests. When it is full a request
 * fails at once with a {@link BusyException} instead of queueing memory and stalling the server.
 */
final class RequestDecoders implements AutoCloseable {
  private final ThreadPoolExecutor pool;

  RequestDecoders(int threads) {
    pool =
        new ThreadPoolExecutor(
            threads,
            threads,
            30,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(2 * threads),
            BackgroundPriority.threads("dss-decode-"));
    pool.allowCoreThreadTimeOut(true);
  }

  /** Decodes and preprocesses one image in memory; {@code name} names it in errors. */
  PreparedImage prepare(ImagePipeline images, byte[] bytes, String name)
      throws ImageException, InterruptedException {
    try {
      return run(
          () -> {
            try {
              return images.prepare(bytes, name);
            } catch (RuntimeException
                | OutOfMemoryError e) { // that image's failure, not the server's
              throw new ImageException(name, BulkRun.reason(e), e);
            }
          });
    } catch (ImageException | InterruptedException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new ImageException(name, "cannot decode: " + e, e);
    }
  }

  /**
   * Runs {@code task} on the pool and returns its result or rethrows its exception.
   *
   * @throws BusyException when every thread and waiting place is taken
   */
  <V> V run(Callable<V> task) throws Exception {
    Future<V> result;
    try {
      result = pool.submit(task);
    } catch (RejectedExecutionException e) {
      throw new BusyException("the server is busy decoding other images; retry in a moment");
    }
    try {
      return result.get();
    } catch (InterruptedException e) {
      result.cancel(true);
      throw e;
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }
}
