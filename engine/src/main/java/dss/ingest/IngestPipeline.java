package dss.ingest;

import dss.image.ImageException;
import dss.image.ImagePipeline;
import dss.image.PreparedImage;
import dss.model.Branch;
import dss.model.Embedder;
import dss.model.LazyEmbedder;
import dss.model.ModelException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The one way images become vectors, and the one model stage of a process. Three kinds of work
 * share it:
 *
 * <ul>
 *   <li><b>requests</b> (an upload): decoded on a small bounded pool ({@link RequestDecoders};
 *       {@link BusyException} when it is full) and embedded in the model stage's interactive lane,
 *       ahead of queued bulk work: {@link #embed(byte[], String)};
 *   <li><b>an ordered list of files</b> ({@code embed}, {@code model verify}, the evaluation
 *       harness): results in input order ({@link #embedFiles});
 *   <li><b>a bulk run</b> (the library indexer): {@link #run(BulkJob)}, the mechanics in {@link
 *       BulkRun}.
 * </ul>
 */
public final class IngestPipeline implements AutoCloseable {
  private final ImagePipeline images;
  private final LazyEmbedder embedder;
  private final ModelStage model;
  private final BulkRun bulk;
  private final RequestDecoders requestDecoders;

  /**
   * @param decodeThreads parallel decode workers of a bulk run, and the size of the request decode
   *     pool
   */
  public IngestPipeline(ImagePipeline images, Embedder embedder, int decodeThreads) {
    this(images, LazyEmbedder.of(embedder), decodeThreads);
  }

  /** With a model opened only when the first image needs embedding (see {@link LazyEmbedder}). */
  public IngestPipeline(ImagePipeline images, LazyEmbedder model, int decodeThreads) {
    if (decodeThreads < 1)
      throw new IllegalArgumentException("decode threads must be at least 1: " + decodeThreads);
    dss.image.NativeCodecs
        .logMissingOnce(); // one line naming a missing native library and what it costs
    this.images = images;
    this.embedder = model;
    this.model = new ModelStage(BatchEmbedder.of(model));
    this.bulk = new BulkRun(this.model, decodeThreads);
    this.requestDecoders = new RequestDecoders(decodeThreads);
  }

  /** With one decode worker per core. */
  public IngestPipeline(ImagePipeline images, Embedder embedder) {
    this(images, embedder, Math.max(1, Runtime.getRuntime().availableProcessors()));
  }

  public ImagePipeline images() {
    return images;
  }

  /**
   * The model's branch layout from its manifest (no session opened); empty for a single-backbone
   * model.
   */
  public List<Branch> branches() throws ModelException {
    return embedder.branches();
  }

  /** The model session (opened now if nothing has needed it yet). */
  public Embedder embedder() throws ModelException {
    return embedder.get();
  }

  /**
   * An image turned into a vector, with what the index records about it and where the time went.
   */
  /**
   * {@code decodeMs} includes waiting for a decode slot; {@code modelWaitMs} is the wait for the
   * model (the batch in flight), {@code modelMs} the run of the image's own batch.
   */
  public record Embedded(
      float[] vector, PreparedImage image, double decodeMs, double modelWaitMs, double modelMs) {}

  /**
   * One image in memory (an upload); {@code name} names it in errors.
   *
   * @throws BusyException when every decode slot and waiting place is taken
   */
  public Embedded embed(byte[] bytes, String name) throws ImageException, ModelException {
    long t0 = System.nanoTime();
    try {
      return embedPrepared(requestDecoders.prepare(images, bytes, name), t0);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ModelException("interrupted", e);
    }
  }

  /** One image file, decoded on the calling thread (a command line with one query image). */
  public Embedded embed(Path file) throws ImageException, ModelException {
    long t0 = System.nanoTime();
    return embedPrepared(images.prepare(file), t0);
  }

  private Embedded embedPrepared(PreparedImage image, long t0) throws ModelException {
    long t1 = System.nanoTime();
    ModelStage.Timed timed = model.embedTimed(image.tensor()); // the interactive lane
    return new Embedded(timed.vector(), image, (t1 - t0) / 1e6, timed.waitMs(), timed.runMs());
  }

  /**
   * Embeds files, handing each result to {@code out} in input order (a file that failed comes with
   * its reason). Decoding runs on the decode workers, a few batches ahead of the model.
   */
  public BulkRun.Totals embedFiles(List<Path> files, FileResults out)
      throws IOException, InterruptedException {
    return bulk.run(new FileEmbedding(files, file -> images.prepare(file).tensor(), out));
  }

  /**
   * Receives the results of {@link #embedFiles}: a vector, or null and the reason the file failed.
   */
  @FunctionalInterface
  public interface FileResults {
    void accept(int index, Path file, float[] vector, String error);
  }

  /**
   * Runs {@code job} to the end: every item emitted is written, failed or skipped ({@link
   * BulkRun#run}).
   *
   * @throws IOException when the walk or the writer fails (items' problems are failures, not
   *     exceptions)
   */
  public <T, R> BulkRun.Totals run(BulkJob<T, R> job) throws IOException, InterruptedException {
    return bulk.run(job);
  }

  /** Stops the model thread and the decode pool; does not close the embedder. */
  @Override
  public void close() {
    requestDecoders.close();
    model.close();
  }
}
