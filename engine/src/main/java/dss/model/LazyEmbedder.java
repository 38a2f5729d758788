package dss.model;

import dss.util.BackgroundPriority;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * A model opened only when something needs embedding: an unchanged re-run of the indexer over a
 * library then never pays for a session (seconds for the ensemble's gigabyte of weights). {@link
 * #info()} comes from the manifest when it is complete ({@link Embedder#describe}), so the index's
 * model binding is checked without the graph. A model that is not installed yet can be fetched on
 * first use ({@link Fetcher}): then, too, only when something needs embedding. Thread-safe; closes
 * the session only if it was opened.
 */
public final class LazyEmbedder implements AutoCloseable {
  private final Path file;
  private final String device;
  private final int threads;
  private final int batchSize;
  private final Fetcher fetcher;
  private ModelInfo binding;
  private Embedder embedder;
  private boolean closed;

  /**
   * Brings a missing model file into place (the export a command runs when its model is not
   * installed).
   */
  @FunctionalInterface
  public interface Fetcher {
    void fetch() throws ModelException;
  }

  public LazyEmbedder(Path file, String device, int threads, int batchSize) {
    this(file, device, threads, batchSize, null);
  }

  /**
   * @param fetcher run before the first use when {@code file} does not exist (null: that is an
   *     error)
   */
  public LazyEmbedder(Path file, String device, int threads, int batchSize, Fetcher fetcher) {
    if (batchSize < 1)
      throw new dss.util.InvalidSettingException(
          "the batch size must be at least 1, not " + batchSize);
    this.file = file;
    this.device = device;
    this.threads = threads;
    this.batchSize = batchSize;
    this.fetcher = fetcher;
  }

  /** Whether the model file is there (a missing one is fetched on first use). */
  public boolean installed() {
    return embedder != null || file != null && Files.isRegularFile(file);
  }

  /**
   * The model an index recorded, for a model that is not installed yet: once fetched and opened, a
   * model with another checksum is refused rather than mixed into that index.
   */
  public synchronized void requireBinding(ModelInfo recorded) {
    binding = recorded;
  }

  /**
   * Whether {@link #requireBinding} bound this model to {@code recorded} (checked when the session
   * opens).
   */
  public synchronized boolean boundTo(ModelInfo recorded) {
    return recorded.equals(binding);
  }

  /** An embedder that is already open (its owner closes it; closing this does not). */
  public static LazyEmbedder of(Embedder open) {
    LazyEmbedder lazy = new LazyEmbedder(null, open.device(), open.threads(), open.batchSize());
    lazy.embedder = open;
    lazy.closed = true; // not ours to close
    return lazy;
  }

  public int batchSize() {
    return batchSize;
  }

  /** The model's identity: from the manifest when it is complete, else from the opened graph. */
  public ModelInfo info() throws ModelException {
    synchronized (this) {
      if (embedder != null) return embedder.info();
      fetchIfMissing(); // the identity needs the file
    }
    Optional<ModelInfo> described = Embedder.describe(file);
    return described.isPresent() ? described.get() : get().info();
  }

  /**
   * The ensemble's layout, from the manifest (without opening a session); empty when it has none.
   */
  public java.util.List<Branch> branches() throws ModelException {
    synchronized (this) {
      if (embedder != null) return embedder.branches();
    }
    ModelManifest manifest = ModelManifest.read(file);
    return manifest == null ? java.util.List.of() : manifest.branches();
  }

  /** The session, opened on first use. */
  public synchronized Embedder get() throws ModelException {
    if (embedder == null) {
      if (closed) throw new ModelException("the model was closed");
      fetchIfMissing();
      Embedder opened = openAtBackgroundPriority();
      if (binding != null && !binding.checksum().equals(opened.info().checksum())) {
        opened.close();
        throw new ModelException(
            "model "
                + opened.info().name()
                + " ("
                + file
                + ", checksum "
                + opened.info().checksum()
                + ") is not the one that built the index ("
                + binding.name()
                + ", checksum "
                + binding.checksum()
                + "): use that model, or another index");
      }
      embedder = opened;
    }
    return embedder;
  }

  /**
   * Opens the session on a lowered-priority thread ({@link BackgroundPriority}): ONNX Runtime's
   * pool threads are created with the session and inherit their creator's priority, so inference
   * yields to request handling.
   */
  private Embedder openAtBackgroundPriority() throws ModelException {
    CompletableFuture<Embedder> session = new CompletableFuture<>();
    BackgroundPriority.start(
        "dss-model-open",
        () -> {
          try {
            session.complete(Embedder.open(file, device, threads, batchSize));
          } catch (Throwable t) {
            session.completeExceptionally(t);
          }
        });
    try {
      return session.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ModelException("interrupted while opening " + file, e);
    } catch (ExecutionException e) {
      switch (e.getCause()) {
        case ModelException m -> throw m;
        case RuntimeException r -> throw r;
        case Error err -> throw err;
        default -> throw new ModelException(file + ": " + e.getCause(), e.getCause());
      }
    }
  }

  private void fetchIfMissing() throws ModelException {
    if (closed) throw new ModelException("the model was closed");
    if (fetcher != null && !installed()) fetcher.fetch();
  }

  /** Whether a session was opened (for tests and logs). */
  public synchronized boolean opened() {
    return embedder != null;
  }

  @Override
  public synchronized void close() {
    if (!closed && embedder != null) embedder.close();
    closed = true;
  }
}
