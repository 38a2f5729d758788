package dss.ingest;

import dss.image.Capture;
import dss.image.FormatSniffer;
import dss.image.ImageException;
import dss.image.ImagePipeline;
import dss.image.OtherFormats;
import dss.image.PreparedImage;
import dss.index.ImageIndex;
import dss.index.ImageRecord;
import dss.util.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Brings an index up to date with the image files under some folders, incrementally and
 * crash-safely: the policy of a bulk run over the {@link IngestPipeline}.
 *
 * <ul>
 *   <li><b>Unchanged</b>: a file whose size and modification time match its document is skipped
 *       without being read; unless its record predates the capture fields ({@link
 *       ImageRecord#recordVersion()}): then only its metadata is read and the record rewritten with
 *       the vector the index holds (no decode, no model run; counted as unchanged).
 *   <li><b>A copy</b>: a file whose content hash is already indexed (a copy, a rename, a touched
 *       file) reuses that document's vector: no model run.
 *   <li><b>New or changed</b>: decoded, embedded and upserted (one document per path, so replaying
 *       work after a crash never duplicates anything).
 *   <li><b>Vanished</b>: documents under the walked roots whose file is gone are deleted (unless
 *       {@code keepMissing}).
 * </ul>
 *
 * Commits every {@code commitEvery} images or {@code commitInterval}, and at the end; after a crash
 * the next run resumes from the last commit. A bad file is reported to the failure callback and
 * counted; it never stops the run. Files not named like images and not recognised as images (a
 * video, a sidecar) are ignored; files named like images that are not, and links named like images
 * that cannot be followed ({@link FileWalker}), are failures.
 */
public final class LibraryIndexer {
  /**
   * How a run walks and commits; how many decode workers it uses is the {@link IngestPipeline}'s
   * setting.
   *
   * @param commitEvery commit after this many written images
   * @param commitInterval and at least this often while images are being written
   * @param maxFileBytes files larger than this are refused before they are read
   */
  public record Options(
      List<Path> roots,
      List<String> include,
      List<String> exclude,
      boolean hidden,
      boolean keepMissing,
      int commitEvery,
      Duration commitInterval,
      long maxFileBytes) {
    /** Files up to 512 MiB: a 100-megapixel uncompressed TIFF is 300 MB. */
    public static final long DEFAULT_MAX_FILE_BYTES = ImagePipeline.DEFAULT_MAX_FILE_BYTES;

    public static Options defaults(List<Path> roots) {
      return new Options(
          roots,
          List.of(),
          List.of(),
          false,
          false,
          1000,
          Duration.ofSeconds(30),
          DEFAULT_MAX_FILE_BYTES);
    }

    public Options withCommitInterval(Duration interval) {
      return new Options(
          roots, include, exclude, hidden, keepMissing, commitEvery, interval, maxFileBytes);
    }

    public Options withMaxFileBytes(long bytes) {
      return new Options(
          roots, include, exclude, hidden, keepMissing, commitEvery, commitInterval, bytes);
    }
  }

  /**
   * The outcome of a run. {@code added}/{@code updated} include {@code reused} (vector taken from
   * an indexed copy, no model run); {@code embedded} counts images that went through the model. The
   * three busy times are summed over the threads of each stage (they overlap, so they may exceed
   * {@code seconds}).
   */
  public record Summary(
      long added,
      long updated,
      long unchanged,
      long removed,
      long failed,
      long reused,
      long embedded,
      double seconds,
      double decodeSeconds,
      double modelSeconds,
      double indexSeconds,
      long skipped) {}

  /**
   * A point-in-time view of a run for progress displays: files done (indexed, unchanged, failed or
   * not images) of {@code total} candidates; {@code total} grows while {@code walking} (counting)
   * is true.
   */
  public record Progress(
      long done,
      long total,
      boolean walking,
      long failed,
      double filesPerSecond,
      double etaSeconds,
      boolean running) {}

  /**
   * A candidate file and, when it is already indexed, its document; {@code refresh}: the file is
   * unchanged, only its record is to be completed.
   */
  private record FileTask(Path path, long size, long mtime, ImageRecord existing, boolean refresh) {
    FileTask(Path path, long size, long mtime, ImageRecord existing) {
      this(path, size, mtime, existing, false);
    }
  }

  private final ImageIndex index;
  private final IngestPipeline pipeline;
  private final Options options;

  private final AtomicLong total = new AtomicLong();
  private final AtomicLong done = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong skipped = new AtomicLong();
  private final AtomicBoolean walking = new AtomicBoolean(true);
  private final AtomicBoolean running = new AtomicBoolean();
  private volatile long startNanos;

  public LibraryIndexer(ImageIndex index, IngestPipeline pipeline, Options options) {
    this.index = index;
    this.pipeline = pipeline;
    this.options = options;
  }

  /**
   * Runs once: walk, index, remove vanished files (unless {@code keepMissing}), commit.
   *
   * @param onFailure called on the calling thread with each file that could not be indexed
   * @throws IOException when the index itself fails (files' problems are failures, not exceptions)
   */
  public Summary run(Consumer<Failure> onFailure) throws IOException, InterruptedException {
    return run(onFailure, skip -> {});
  }

  /**
   * As {@link #run(Consumer)}, also naming each skipped file: one under the roots that is not an
   * image of a supported format (by content, and not named like one), with what it is ({@link
   * OtherFormats#reason}).
   *
   * @param onSkipped called from the decode workers, concurrently: must be thread-safe
   */
  public Summary run(Consumer<Failure> onFailure, Consumer<Failure> onSkipped)
      throws IOException, InterruptedException {
    if (!running.compareAndSet(false, true))
      throw new IllegalStateException("this indexer is already running");
    startNanos = System.nanoTime();
    try {
      Thread counter = Thread.ofPlatform().daemon().name("dss-count").start(this::count);
      Run run = new Run(onFailure, onSkipped);
      BulkRun.Totals totals = pipeline.run(run);
      long t = System.nanoTime();
      long removed = options.keepMissing() ? 0 : removeVanished();
      index.commit();
      counter.interrupt();
      double indexSeconds = totals.writeSeconds() + (System.nanoTime() - t) / 1e9;
      return new Summary(
          run.added,
          run.updated,
          run.unchanged.get(),
          removed,
          failed.get(),
          totals.known(),
          totals.embedded(),
          (System.nanoTime() - startNanos) / 1e9,
          totals.decodeSeconds(),
          totals.modelSeconds(),
          indexSeconds,
          skipped.get());
    } finally {
      running.set(false);
    }
  }

  public Progress progress() {
    double elapsed = startNanos == 0 ? 0 : (System.nanoTime() - startNanos) / 1e9;
    long d = done.get();
    long t = total.get();
    double rate = elapsed > 0 ? d / elapsed : 0;
    double eta = rate > 0 ? (t - d) / rate : Double.NaN;
    return new Progress(d, t, walking.get(), failed.get(), rate, eta, running.get());
  }

  private FileWalker walker() {
    return new FileWalker(options.include(), options.exclude(), options.hidden());
  }

  /**
   * Counts the candidate files for the progress total. A walk of its own, running ahead of the
   * processing walk (which back-pressure holds back): the total is known early without holding a
   * list of the whole library.
   */
  private void count() {
    try {
      walker()
          .walk(
              options.roots(),
              (path, attrs) -> total.incrementAndGet(),
              (path, reason) ->
                  total.incrementAndGet()); // reported by the processing walk, and counted as done
      // there
    } catch (IOException ignored) {
      // the processing walk reports the same problem
    } finally {
      walking.set(false);
    }
  }

  /** The job: walk with change detection, decode or reuse, write with commits on schedule. */
  private final class Run implements BulkJob<FileTask, ImageRecord> {
    private final Consumer<Failure> onFailure;
    private final Consumer<Failure> onSkipped;
    private final AtomicLong unchanged = new AtomicLong();
    private long added, updated, sinceCommit;
    private long lastCommit = System.nanoTime();

    Run(Consumer<Failure> onFailure, Consumer<Failure> onSkipped) {
      this.onFailure = onFailure;
      this.onSkipped = onSkipped;
    }

    @Override
    public void walk(BulkJob.Emitter<FileTask> emit) throws IOException {
      try (ImageIndex.Snapshot snapshot = index.snapshot()) {
        walker()
            .walk(
                options.roots(),
                (path, attrs) -> {
                  long mtime = attrs.lastModifiedTime().toMillis();
                  ImageRecord existing = lookup(snapshot, path);
                  if (existing != null
                      && existing.size() == attrs.size()
                      && existing.mtime() == mtime) {
                    if (existing.recordVersion() < ImageRecord.CURRENT_VERSION) {
                      put(() -> emit.item(new FileTask(path, attrs.size(), mtime, existing, true)));
                      return;
                    }
                    unchanged.incrementAndGet();
                    done.incrementAndGet();
                    return;
                  }
                  put(() -> emit.item(new FileTask(path, attrs.size(), mtime, existing)));
                },
                (path, reason) -> put(() -> emit.failure(new FileTask(path, 0, 0, null), reason)));
      }
    }

    @Override
    public String name(FileTask task) {
      return task.path().toString();
    }

    /**
     * Sniff, size check, read, hash; reuse an indexed vector of the same content, else decode for
     * the model.
     */
    @Override
    public BulkJob.Step<ImageRecord> prepare(FileTask task) throws IOException, ImageException {
      Path path = task.path();
      byte[] head = head(path);
      String format = FormatSniffer.sniff(head);
      if (format == null) {
        if (FormatSniffer.namedLikeImage(path.getFileName().toString())) {
          throw new ImageException(
              path, task.size() == 0 ? "empty file" : "not an image (unrecognised content)");
        }
        done.incrementAndGet(); // another kind of file (a video, a sidecar, a TGA): not ours, but
        // counted
        skipped.incrementAndGet();
        onSkipped.accept(
            new Failure(path.toString(), OtherFormats.reason(head, path.getFileName().toString())));
        return BulkJob.Step.skip();
      }
      // mapped, not read: the hash and the JPEG decoder read the pages in place (a huge file costs
      // no heap)
      ByteBuffer bytes = ImagePipeline.map(path, options.maxFileBytes());
      if (task.refresh()) {
        Optional<BulkJob.Step<ImageRecord>> refreshed = refresh(task, bytes);
        if (refreshed.isPresent()) return refreshed.get();
      }
      String hash = Sha256.hex(bytes);
      Optional<BulkJob.Step<ImageRecord>> copy = reuse(task, hash, bytes);
      if (copy.isPresent()) return copy.get();
      PreparedImage image = pipeline.images().prepare(bytes, path.toString());
      return BulkJob.Step.embed(
          record(task, hash, image.format(), image.width(), image.height(), image.capture()),
          image.tensor());
    }

    /**
     * An unchanged file whose record lacks the capture fields: the record completed from the file's
     * metadata, with the vector the index holds (empty if it holds none: then the file is indexed
     * as a changed one).
     */
    private Optional<BulkJob.Step<ImageRecord>> refresh(FileTask task, ByteBuffer bytes)
        throws IOException {
      ImageRecord old = task.existing();
      Optional<float[]> vector;
      try (ImageIndex.Snapshot snapshot = index.snapshot()) {
        vector = snapshot.vector(old.id());
      }
      if (vector.isEmpty()) return Optional.empty();
      Capture c = Capture.read(bytes);
      return Optional.of(
          BulkJob.Step.known(
              old.withCapture(c.takenAt(), c.cameraMake(), c.cameraModel()), vector.get()));
    }

    /** The vector of an indexed image with the same content, if any. */
    private Optional<BulkJob.Step<ImageRecord>> reuse(FileTask task, String hash, ByteBuffer bytes)
        throws IOException {
      try (ImageIndex.Snapshot snapshot = index.snapshot()) {
        Optional<ImageRecord> same = snapshot.firstWithHash(hash);
        if (same.isEmpty()) return Optional.empty();
        Optional<float[]> vector = snapshot.vector(same.get().id());
        if (vector.isEmpty()) return Optional.empty();
        ImageRecord s = same.get();
        return Optional.of(
            BulkJob.Step.known(
                record(task, hash, s.format(), s.width(), s.height(), Capture.read(bytes)),
                vector.get()));
      }
    }

    @Override
    public void write(FileTask task, ImageRecord record, float[] vector) throws IOException {
      index.upsert(record, vector);
      if (task.refresh()) unchanged.incrementAndGet();
      else if (task.existing() == null) added++;
      else updated++;
      done.incrementAndGet();
      sinceCommit++;
    }

    @Override
    public void failed(FileTask task, String reason) {
      failed.incrementAndGet();
      done.incrementAndGet();
      onFailure.accept(new Failure(task.path().toString(), reason));
    }

    /** Commits on schedule; a commit also makes what was written visible to the copy lookup. */
    @Override
    public void tick() throws IOException {
      boolean due =
          sinceCommit >= options.commitEvery()
              || System.nanoTime() - lastCommit >= options.commitInterval().toNanos();
      if (sinceCommit > 0 && due) {
        index.commit();
        sinceCommit = 0;
        lastCommit = System.nanoTime();
      }
    }
  }

  private static ImageRecord lookup(ImageIndex.Snapshot snapshot, Path path) {
    try {
      return snapshot.get(ImageRecord.idFor(path.toString())).orElse(null);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Blocks on the pipeline's back-pressure inside the walker's callback (which cannot throw). */
  private static void put(Blocking step) {
    try {
      step.run();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.UncheckedIOException(new IOException("interrupted", e));
    }
  }

  @FunctionalInterface
  private interface Blocking {
    void run() throws InterruptedException;
  }

  /** Deletes documents under the walked roots whose file no longer exists. */
  private long removeVanished() throws IOException {
    List<String> roots =
        options.roots().stream()
            .map(r -> r.toAbsolutePath().normalize().toString())
            .map(r -> r.endsWith("/") ? r : r + "/")
            .toList();
    List<String> gone = new ArrayList<>();
    try (ImageIndex.Snapshot snapshot = index.snapshot()) {
      for (int item = 0; item < snapshot.items(); item++) {
        if (!snapshot.live(item)) continue;
        ImageRecord r = snapshot.record(item);
        if (roots.stream().anyMatch(r.path()::startsWith)
            && !Files.isRegularFile(Path.of(r.path()))) gone.add(r.id());
      }
    }
    for (String id : gone) index.delete(id);
    return gone.size();
  }

  private static ImageRecord record(
      FileTask task, String hash, String format, int width, int height, Capture capture) {
    String path = task.path().toString();
    return new ImageRecord(
        ImageRecord.idFor(path),
        path,
        hash,
        task.size(),
        task.mtime(),
        width,
        height,
        format,
        System.currentTimeMillis(),
        capture.takenAt(),
        capture.cameraMake(),
        capture.cameraModel(),
        ImageRecord.CURRENT_VERSION);
  }

  /**
   * The record of one file added outside a run (an upload the server stored at {@code file}): the
   * same id, hash and fields a run would give it, so a later run finds it unchanged.
   */
  public static ImageRecord recordOf(Path file, byte[] content, PreparedImage image)
      throws IOException {
    FileTask task =
        new FileTask(file, content.length, Files.getLastModifiedTime(file).toMillis(), null);
    return record(
        task, Sha256.hex(content), image.format(), image.width(), image.height(), image.capture());
  }

  private static byte[] head(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return in.readNBytes(FormatSniffer.HEAD_BYTES);
    }
  }
}
