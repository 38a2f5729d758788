package dss.index;

import dss.util.BackgroundPriority;
import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A served index's full verification, in the background ({@link ImageIndex#verify}): the first pass
 * reads every byte right after start, then every {@code newFilesEvery} the files the commits since
 * wrote (whoever wrote them: this server or another process) and every {@code allEvery} everything
 * again (damage that came later to files verified before: the disk, another program). What it found
 * is {@link #status()}: pending until the first pass has passed, then passed, or failed for good
 * with the damage (the index's writes stop; a restart after the recovery verifies again).
 */
public final class IndexVerifier implements Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(IndexVerifier.class);

  /** Where verification stands. */
  public enum State {
    /** The first pass has not ended yet: what is served has not been verified. */
    PENDING,
    /** Every byte of the latest verified commit passed its checksum. */
    PASSED,
    /** Damage found: see {@link Status#check()}. Stays so until a restart. */
    FAILED,
    /** The backend has no check (SolrCloud verifies its replicas itself). */
    UNSUPPORTED
  }

  /**
   * @param state where verification stands
   * @param check the last pass's report (the damage when failed); null before the first pass ends
   * @param passedAt when a pass last passed; null if none has
   */
  public record Status(State state, IndexCheck check, Instant passedAt) {
    public boolean verified() {
      return state == State.PASSED;
    }
  }

  private final ImageIndex index;
  private final Duration newFilesEvery;
  private final Duration allEvery;
  private final ScheduledExecutorService scheduler;
  private final CountDownLatch firstPass = new CountDownLatch(1);
  private volatile Status status = new Status(State.PENDING, null, null);
  private volatile long lastFullPassNanos;

  /**
   * Does not start: {@link #start()} does.
   *
   * @param newFilesEvery how often new commits' files are verified
   * @param allEvery how often every file is verified again; zero or negative: never after the first
   *     pass
   */
  public IndexVerifier(ImageIndex index, Duration newFilesEvery, Duration allEvery) {
    this.index = index;
    this.newFilesEvery = newFilesEvery;
    this.allEvery = allEvery;
    this.scheduler =
        Executors.newSingleThreadScheduledExecutor(BackgroundPriority.threads("dss-verify-"));
  }

  /** Starts the first pass now; the later ones follow on the schedule. */
  public void start() {
    scheduler.scheduleWithFixedDelay(
        this::pass, 0, Math.max(1, newFilesEvery.toMillis()), TimeUnit.MILLISECONDS);
  }

  /** Waits up to {@code timeout} for the first pass to end; true when it has. */
  public boolean awaitFirstPass(Duration timeout) throws InterruptedException {
    return firstPass.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  public Status status() {
    return status;
  }

  /** True once damage was found: searches and writes must stop. */
  public boolean failed() {
    return status.state() == State.FAILED;
  }

  private void pass() {
    Status before = status;
    if (before.state() == State.FAILED || before.state() == State.UNSUPPORTED) return;
    boolean again =
        before.state() == State.PENDING
            || (!allEvery.isZero()
                && !allEvery.isNegative()
                && System.nanoTime() - lastFullPassNanos >= allEvery.toNanos());
    try {
      long t0 = System.nanoTime();
      IndexCheck check = index.verify(again);
      if (again) lastFullPassNanos = t0;
      if (check.healthy()) {
        if (before.state() == State.PENDING || check.bytesVerified() > 0) {
          LOG.info(
              "index {} verified: {} bytes read in {} ms",
              index.location(),
              check.bytesVerified(),
              (System.nanoTime() - t0) / 1_000_000);
        }
        status = new Status(State.PASSED, check, Instant.now());
      } else {
        LOG.error("{}; searches and writes stopped", check.summary());
        status = new Status(State.FAILED, check, before.passedAt());
      }
    } catch (IndexException.Unsupported e) {
      LOG.info("index {} has no check: serving it unverified", index.location());
      status = new Status(State.UNSUPPORTED, null, null);
    } catch (IOException | RuntimeException e) {
      // the check could not run (the storage briefly unreachable): not damage; the next pass
      // retries
      LOG.warn("verifying index {} could not run: {}", index.location(), e.getMessage());
      return;
    } finally {
      if (status.state() != State.PENDING) firstPass.countDown();
    }
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
  }
}
