package dss.util;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Waits for what another process does to a folder (an index it commits, a log it writes) on the
 * file system's own events (inotify on Linux), not by sleeping: a condition is checked now and
 * again after every change in the folder. The folder may not exist yet: its parent is watched until
 * it appears. Public: the command-line tests use it through the engine's test-jar.
 */
public final class FolderWatch implements AutoCloseable {
  private final Path folder;
  private final WatchService watcher;
  private boolean watchingFolder;

  public FolderWatch(Path folder) throws IOException {
    this.folder = folder.toAbsolutePath().normalize();
    this.watcher = this.folder.getFileSystem().newWatchService();
    Files.createDirectories(this.folder.getParent());
    this.folder.getParent().register(watcher, StandardWatchEventKinds.ENTRY_CREATE);
    watchFolderOnceItExists();
  }

  /**
   * Ends the wait as soon as {@code event} completes (e.g. the watched process exits): nothing more
   * will change.
   */
  public FolderWatch stopOn(CompletableFuture<?> event) {
    event.whenComplete((r, e) -> close());
    return this;
  }

  /**
   * The first non-null answer of {@code check}, asked now and after every change in the folder;
   * empty when {@code timeout} passed (a bound for a hung process, not a speed target) or the watch
   * was stopped.
   */
  public <T> Optional<T> await(Callable<T> check, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      T answer = check.call();
      if (answer != null) return Optional.of(answer);
      long left = deadline - System.nanoTime();
      if (left <= 0) return Optional.empty();
      WatchKey key;
      try {
        key = watcher.poll(left, TimeUnit.NANOSECONDS);
      } catch (ClosedWatchServiceException stopped) {
        return Optional.ofNullable(check.call()); // one last look at what the process left
      }
      if (key != null) {
        key.pollEvents();
        key.reset();
      }
      watchFolderOnceItExists();
    }
  }

  private void watchFolderOnceItExists() throws IOException {
    if (watchingFolder || !Files.isDirectory(folder)) return;
    folder.register(
        watcher,
        StandardWatchEventKinds.ENTRY_CREATE,
        StandardWatchEventKinds.ENTRY_MODIFY,
        StandardWatchEventKinds.ENTRY_DELETE);
    watchingFolder = true;
  }

  @Override
  public void close() {
    try {
      watcher.close();
    } catch (IOException ignored) {
      // closing a watch service does not fail in practice
    }
  }
}
