package dss.model;

import java.nio.file.Path;
import java.util.Optional;

/**
 * A model opened only when something needs embedding: an unchanged re-run of the indexer over a library then never
 * pays for a session (seconds for the ensemble's gigabyte of weights). {@link #info()} comes from the manifest
 * when it is complete ({@link Embedder#describe}), so the index's model binding is checked without the graph.
 * Thread-safe; closes the session only if it was opened.
 */
public final class LazyEmbedder implements AutoCloseable {
  private final Path file;
  private final String device;
  private final int threads;
  private final int batchSize;
  private Embedder embedder;
  private boolean closed;

  public LazyEmbedder(Path file, String device, int threads, int batchSize) {
    if (batchSize < 1) throw new IllegalArgumentException("--batch must be at least 1, not " + batchSize);
    this.file = file;
    this.device = device;
    this.threads = threads;
    this.batchSize = batchSize;
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
    }
    Optional<ModelInfo> described = Embedder.describe(file);
    return described.isPresent() ? described.get() : get().info();
  }

  /** The ensemble's layout, from the manifest (without opening a session); empty when it has none. */
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
      embedder = Embedder.open(file, device, threads, batchSize);
    }
    return embedder;
  }

  /** Whether a session was opened (for tests and logs). */
  public synchronized boolean opened() {
    return embedder != null;
  }

  @Override public synchronized void close() {
    if (!closed && embedder != null) embedder.close();
    closed = true;
  }
}
