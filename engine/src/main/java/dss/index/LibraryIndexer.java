package dss.index;

import dss.image.ImageException;
import dss.image.ImagePipeline;
import dss.image.PreparedImage;
import dss.model.Embedder;
import dss.search.Searcher;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.util.Bits;

/**
 * Brings an index up to date with the image files under some folders, incrementally and crash-safely.
 *
 * <pre>
 * walker ──► [files] ──► decode workers (read, SHA-256, sniff, decode+preprocess) ──► [images] ──► model (batches)
 *                              │ same content already indexed: stored vector, no model run       │
 *                              └──────────────────────────────► [vectors] ◄──────────────────────┘
 *                                                                    └──► writer (this thread): upsert, commit
 * </pre>
 *
 * Queues are bounded, so memory stays flat on any library size. A file whose size and modification time match
 * its document is skipped without being read. The writer commits every {@code commitEvery} images or
 * {@code commitInterval}; after a crash the next run resumes from the last commit (one document per path, so
 * nothing is duplicated). Bad files are reported to the failure callback and counted; they never stop the run.
 */
public final class LibraryIndexer {
  /** Extensions under which an unrecognised file is a failure ("not an image") rather than ignored. */
  private static final Set<String> IMAGE_EXTENSIONS = Set.of("jpg", "jpeg", "jpe", "png", "gif", "bmp", "webp",
      "tif", "tiff", "heic", "heif", "avif");
  private static final int HEAD_BYTES = 64;

  /**
   * @param decodeThreads parallel decode+preprocess workers
   * @param commitEvery commit after this many written images
   * @param commitInterval and at least this often while images are being written
   */
  public record Options(List<Path> roots, List<String> include, List<String> exclude, boolean hidden,
                        boolean keepMissing, int decodeThreads, int commitEvery, Duration commitInterval) {
    public static Options defaults(List<Path> roots) {
      return new Options(roots, List.of(), List.of(), false, false,
          Math.max(1, Runtime.getRuntime().availableProcessors()), 1000, Duration.ofSeconds(30));
    }
  }

  /** A file that could not be indexed, and why. */
  public record Failure(String path, String error) {}

  /**
   * The outcome of a run. {@code added}/{@code updated} include {@code reused} (vector taken from an indexed copy,
   * no model run); {@code embedded} counts images that went through the model. The three busy times are summed
   * over the threads of each stage (they overlap, so they may exceed {@code seconds}).
   */
  public record Summary(long added, long updated, long unchanged, long removed, long failed, long reused,
                        long embedded, double seconds, double decodeSeconds, double modelSeconds,
                        double indexSeconds) {}

  /**
   * A point-in-time view of a run for progress displays: files done (indexed, unchanged, failed or not images) of
   * {@code total} candidates; {@code total} grows while {@code walking} (counting) is true.
   */
  public record Progress(long done, long total, boolean walking, long failed, double filesPerSecond,
                         double etaSeconds, boolean running) {}

  private record FileTask(Path path, long size, long mtime, ImageRecord existing) {}

  /** What a decode worker hands on: an image for the model, or a vector reused from an indexed copy. */
  private sealed interface Decoded permits Prepared, Ready {}

  private record Prepared(FileTask task, String hash, PreparedImage image) implements Decoded {}

  private record Ready(FileTask task, ImageRecord record, float[] vector, boolean reused) implements Decoded {}

  private static final FileTask END_OF_FILES = new FileTask(null, 0, 0, null);
  private static final Prepared END_OF_IMAGES = new Prepared(null, null, null);
  private static final Ready END_OF_VECTORS = new Ready(null, null, null, false);

  private final LibraryIndex index;
  private final ImagePipeline images;
  private final Embedder embedder;
  private final Options options;

  private final AtomicLong total = new AtomicLong();
  private final AtomicLong done = new AtomicLong();
  private final AtomicLong added = new AtomicLong();
  private final AtomicLong updated = new AtomicLong();
  private final AtomicLong unchanged = new AtomicLong();
  private final AtomicLong removed = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong reused = new AtomicLong();
  private final AtomicLong embedded = new AtomicLong();
  private final AtomicLong decodeNanos = new AtomicLong();
  private final AtomicLong modelNanos = new AtomicLong();
  private final AtomicLong indexNanos = new AtomicLong();
  private final AtomicBoolean walking = new AtomicBoolean(true);
  private final AtomicBoolean running = new AtomicBoolean();
  private volatile long startNanos;

  public LibraryIndexer(LibraryIndex index, ImagePipeline images, Embedder embedder, Options options) {
    this.index = index;
    this.images = images;
    this.embedder = embedder;
    this.options = options;
  }

  /**
   * Runs once: walk, index, remove vanished files (unless {@code keepMissing}), commit.
   *
   * @param onFailure called (from several threads, serially) with each file that could not be indexed
   * @throws IOException when the index itself fails (files' problems are failures, not exceptions)
   */
  public Summary run(Consumer<Failure> onFailure) throws IOException, InterruptedException {
    if (!running.compareAndSet(false, true)) throw new IllegalStateException("this indexer is already running");
    startNanos = System.nanoTime();
    Consumer<Failure> report = f -> {
      failed.incrementAndGet();
      done.incrementAndGet();
      synchronized (onFailure) {
        onFailure.accept(f);
      }
    };
    int workers = Math.max(1, options.decodeThreads());
    int batch = Math.max(1, embedder.batchSize());
    BlockingQueue<FileTask> files = new ArrayBlockingQueue<>(workers * 4);
    BlockingQueue<Prepared> prepared = new ArrayBlockingQueue<>(batch * 2);
    BlockingQueue<Ready> vectors = new ArrayBlockingQueue<>(batch * 4);
    // Daemon threads: after a fatal index error, a stage stuck on a full queue must not keep the JVM alive.
    ExecutorService threads = Executors.newFixedThreadPool(workers + 3, r -> {
      Thread t = new Thread(r, "indexer");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<?>> stages = new ArrayList<>();
      stages.add(threads.submit(this::count));
      stages.add(threads.submit(() -> walk(files, workers, report)));
      AtomicInteger decodersLeft = new AtomicInteger(workers);
      for (int i = 0; i < workers; i++) {
        stages.add(threads.submit(() -> decode(files, prepared, vectors, decodersLeft, report)));
      }
      stages.add(threads.submit(() -> embed(prepared, vectors, batch, report)));
      write(vectors, stages);
      if (!options.keepMissing()) removeVanished();
      long t = System.nanoTime();
      index.commit();
      indexNanos.addAndGet(System.nanoTime() - t);
      return new Summary(added.get(), updated.get(), unchanged.get(), removed.get(), failed.get(), reused.get(),
          embedded.get(), seconds(System.nanoTime() - startNanos), seconds(decodeNanos.get()),
          seconds(modelNanos.get()), seconds(indexNanos.get()));
    } finally {
      threads.shutdownNow();
      threads.awaitTermination(1, TimeUnit.MINUTES);
      running.set(false);
    }
  }

  public Progress progress() {
    double elapsed = startNanos == 0 ? 0 : seconds(System.nanoTime() - startNanos);
    long d = done.get();
    long t = total.get();
    double rate = elapsed > 0 ? d / elapsed : 0;
    double eta = rate > 0 ? (t - d) / rate : Double.NaN;
    return new Progress(d, t, walking.get(), failed.get(), rate, eta, running.get());
  }

  /**
   * Counts the candidate files for the progress total. A walk of its own, running ahead of the processing walk
   * (which the bounded queue holds back): the total is known early without holding a list of the whole library.
   */
  private Void count() throws IOException {
    try {
      new LibraryWalker(options.include(), options.exclude(), options.hidden())
          .walk(options.roots(), (path, attrs) -> total.incrementAndGet(), (path, reason) -> {});
    } finally {
      walking.set(false);
    }
    return null;
  }

  /** Walker: candidate files not already indexed as they are now go to the decode workers. */
  private Void walk(BlockingQueue<FileTask> files, int workers, Consumer<Failure> report) throws Exception {
    SearcherLease lease = new SearcherLease(index);
    try {
      Searcher searcher = new Searcher(lease.searcher);
      new LibraryWalker(options.include(), options.exclude(), options.hidden()).walk(options.roots(),
          (path, attrs) -> offer(files, task(searcher, path, attrs)),
          (path, reason) -> report.accept(new Failure(path.toString(), reason)));
    } finally {
      lease.close();
      for (int i = 0; i < workers; i++) files.put(END_OF_FILES);
    }
    return null;
  }

  private FileTask task(Searcher searcher, Path path, BasicFileAttributes attrs) {
    long mtime = attrs.lastModifiedTime().toMillis();
    try {
      ImageRecord existing = searcher.get(IndexSchema.idFor(path.toString())).orElse(null);
      if (existing != null && existing.size() == attrs.size() && existing.mtime() == mtime) {
        unchanged.incrementAndGet();
        done.incrementAndGet();
        return null;
      }
      return new FileTask(path, attrs.size(), mtime, existing);
    } catch (IOException e) {
      throw new IndexReadException(e);
    }
  }

  private static <T> void offer(BlockingQueue<T> queue, T item) {
    if (item == null) return;
    try {
      queue.put(item);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IndexReadException(new IOException("interrupted"));
    }
  }

  /** Decode worker: read, hash, reuse an indexed vector of the same content, or decode+preprocess for the model. */
  private Void decode(BlockingQueue<FileTask> files, BlockingQueue<Prepared> prepared, BlockingQueue<Ready> vectors,
                      AtomicInteger decodersLeft, Consumer<Failure> report) throws Exception {
    try {
      for (FileTask task = files.take(); task != END_OF_FILES; task = files.take()) {
        long t = System.nanoTime();
        Decoded out = null;
        try {
          out = decodeOne(task);
        } catch (ImageException e) {
          report.accept(new Failure(task.path().toString(), e.reason()));
        } catch (IOException e) {
          report.accept(new Failure(task.path().toString(), "cannot read: " + LibraryWalker.describe(e)));
        } catch (RuntimeException e) {
          report.accept(new Failure(task.path().toString(), "cannot decode: " + e));
        } finally {
          decodeNanos.addAndGet(System.nanoTime() - t); // work only: waiting on a full queue is not decoding
        }
        switch (out) {
          case Prepared p -> prepared.put(p);
          case Ready r -> vectors.put(r);
          case null -> { }
        }
      }
    } finally {
      if (decodersLeft.decrementAndGet() == 0) prepared.put(END_OF_IMAGES);
    }
    return null;
  }

  /** The image for the model, a reused vector, or null for a file that is not an image and not named like one. */
  private Decoded decodeOne(FileTask task) throws IOException, ImageException {
    String format = ImagePipeline.sniffFormat(head(task.path()));
    if (format == null) {
      if (IMAGE_EXTENSIONS.contains(extension(task.path()))) {
        throw new ImageException(task.path(), "not an image (unrecognised content)");
      }
      done.incrementAndGet(); // another kind of file (a video, a sidecar): not ours
      return null;
    }
    byte[] bytes = Files.readAllBytes(task.path());
    String hash = sha256(bytes);
    Optional<Ready> copy = reuse(task, hash);
    if (copy.isPresent()) return copy.get();
    return new Prepared(task, hash, images.prepare(bytes, task.path().toString()));
  }

  /** The vector of an indexed image with the same content (a copy, a rename, a touched file), if any. */
  private Optional<Ready> reuse(FileTask task, String hash) throws IOException {
    try (SearcherLease lease = new SearcherLease(index)) {
      Searcher searcher = new Searcher(lease.searcher);
      Optional<ImageRecord> same = searcher.firstWithHash(hash);
      if (same.isEmpty()) return Optional.empty();
      Optional<float[]> vector = searcher.vector(same.get().id());
      if (vector.isEmpty()) return Optional.empty();
      ImageRecord s = same.get();
      return Optional.of(new Ready(task, record(task, hash, s.format(), s.width(), s.height()), vector.get(), true));
    }
  }

  /** Model stage: batches of prepared images through the embedder. */
  private Void embed(BlockingQueue<Prepared> prepared, BlockingQueue<Ready> vectors, int batchSize,
                     Consumer<Failure> report) throws InterruptedException {
    List<Prepared> batch = new ArrayList<>(batchSize);
    boolean end = false;
    while (!end) {
      Prepared first = prepared.take();
      if (first == END_OF_IMAGES) break;
      batch.add(first);
      // Fill the batch with what is ready, waiting briefly: a full batch uses the device better.
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
      while (batch.size() < batchSize) {
        Prepared next = prepared.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        if (next == null) break;
        if (next == END_OF_IMAGES) {
          end = true;
          break;
        }
        batch.add(next);
      }
      embedBatch(batch, vectors, report);
      batch.clear();
    }
    vectors.put(END_OF_VECTORS);
    return null;
  }

  private void embedBatch(List<Prepared> batch, BlockingQueue<Ready> vectors, Consumer<Failure> report)
      throws InterruptedException {
    long t = System.nanoTime();
    float[][] out;
    try {
      out = embedder.embed(batch.stream().map(p -> p.image().tensor()).toList());
    } catch (Exception e) {
      for (Prepared p : batch) report.accept(new Failure(p.task().path().toString(), "model failed: " + e.getMessage()));
      return;
    } finally {
      modelNanos.addAndGet(System.nanoTime() - t);
    }
    embedded.addAndGet(batch.size());
    for (int i = 0; i < batch.size(); i++) {
      Prepared p = batch.get(i);
      PreparedImage image = p.image();
      vectors.put(new Ready(p.task(), record(p.task(), p.hash(), image.format(), image.width(), image.height()),
          out[i], false));
    }
  }

  /** Writer (the calling thread): upserts and commits on schedule until every stage is done. */
  private void write(BlockingQueue<Ready> vectors, List<Future<?>> stages) throws IOException, InterruptedException {
    long sinceCommit = 0;
    long lastCommit = System.nanoTime();
    long interval = options.commitInterval().toNanos();
    while (true) {
      Ready r = vectors.poll(200, TimeUnit.MILLISECONDS);
      if (r == END_OF_VECTORS) break;
      if (r == null) {
        failIfAStageFailed(stages);
      } else {
        long t = System.nanoTime();
        index.upsert(r.record(), r.vector());
        indexNanos.addAndGet(System.nanoTime() - t);
        (r.task().existing() == null ? added : updated).incrementAndGet();
        if (r.reused()) reused.incrementAndGet();
        done.incrementAndGet();
        sinceCommit++;
      }
      if (sinceCommit > 0 && (sinceCommit >= options.commitEvery() || System.nanoTime() - lastCommit >= interval)) {
        long t = System.nanoTime();
        index.commit();
        index.searcherManager().maybeRefresh(); // later copies of what was just written find it
        indexNanos.addAndGet(System.nanoTime() - t);
        sinceCommit = 0;
        lastCommit = System.nanoTime();
      }
    }
    for (Future<?> stage : stages) failIfFailed(stage);
  }

  private static void failIfAStageFailed(List<Future<?>> stages) throws IOException {
    for (Future<?> stage : stages) if (stage.isDone()) failIfFailed(stage);
  }

  private static void failIfFailed(Future<?> stage) throws IOException {
    try {
      stage.get();
    } catch (java.util.concurrent.ExecutionException e) {
      Throwable cause = e.getCause() instanceof IndexReadException r ? r.getCause() : e.getCause();
      if (cause instanceof IOException io) throw io;
      throw new IOException("indexing stopped: " + cause, cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  /** Deletes documents under the walked roots whose file no longer exists. */
  private void removeVanished() throws IOException {
    long t = System.nanoTime();
    List<String> roots = options.roots().stream()
        .map(r -> r.toAbsolutePath().normalize().toString())
        .map(r -> r.endsWith("/") ? r : r + "/").toList();
    List<String> gone = new ArrayList<>();
    try (SearcherLease lease = new SearcherLease(index)) {
      for (LeafReaderContext leaf : lease.searcher.getIndexReader().leaves()) {
        Bits live = leaf.reader().getLiveDocs();
        StoredFields stored = leaf.reader().storedFields();
        for (int doc = 0; doc < leaf.reader().maxDoc(); doc++) {
          if (live != null && !live.get(doc)) continue;
          String path = stored.document(doc, Set.of(IndexSchema.PATH)).get(IndexSchema.PATH);
          if (roots.stream().anyMatch(path::startsWith) && !Files.isRegularFile(Path.of(path))) gone.add(path);
        }
      }
    }
    for (String path : gone) index.delete(IndexSchema.idFor(path));
    removed.addAndGet(gone.size());
    indexNanos.addAndGet(System.nanoTime() - t);
  }

  private static ImageRecord record(FileTask task, String hash, String format, int width, int height) {
    String path = task.path().toString();
    return new ImageRecord(IndexSchema.idFor(path), path, hash, task.size(), task.mtime(), width, height, format,
        System.currentTimeMillis());
  }

  private static byte[] head(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return in.readNBytes(HEAD_BYTES);
    }
  }

  private static String extension(Path file) {
    String name = file.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("every JDK has SHA-256", e);
    }
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }

  /** An index lookup failed inside a callback that cannot throw IOException. */
  private static final class IndexReadException extends RuntimeException {
    IndexReadException(IOException cause) {
      super(cause);
    }
  }

  /** A near-real-time searcher acquired from the index and released on close. */
  private static final class SearcherLease implements AutoCloseable {
    private final LibraryIndex index;
    final IndexSearcher searcher;

    SearcherLease(LibraryIndex index) throws IOException {
      this.index = index;
      this.searcher = index.searcherManager().acquire();
    }

    @Override public void close() throws IOException {
      index.searcherManager().release(searcher);
    }
  }
}
