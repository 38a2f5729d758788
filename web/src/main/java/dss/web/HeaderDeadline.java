package dss.web;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.util.component.AbstractLifeCycle;

/**
 * Closes a connection whose request headers take longer than {@code limit} to arrive. Jetty's idle
 * timeout restarts at every byte, so a client sending a header byte a second would otherwise hold
 * its connection (a socket and its buffers) for as long as it likes; Jetty 12 has no header read
 * timeout of its own.
 *
 * <p>A bean of the connector (a {@link Connection.Listener}): it sees each connection open and
 * close, and once a second looks at each one's counters. A connection is reading headers when bytes
 * came in since the last request's headers were complete and no request is being answered; it is
 * closed when that has lasted longer than the limit (so within a second after it).
 */
final class HeaderDeadline extends AbstractLifeCycle implements Connection.Listener {
  /** What was last seen of one connection. */
  private static final class Seen {
    long requests; // requests whose headers were complete
    long bytes; // bytes received when those headers were complete, or while one was answered
    long readingSince; // when bytes of a next request were first seen; 0: none
  }

  private final long limitNanos;
  private final Map<Connection, Seen> open = new ConcurrentHashMap<>();
  private ScheduledExecutorService sweeper;

  HeaderDeadline(Duration limit) {
    this.limitNanos = limit.toNanos();
  }

  @Override
  public void onOpened(Connection connection) {
    open.put(connection, new Seen());
  }

  @Override
  public void onClosed(Connection connection) {
    open.remove(connection);
  }

  @Override
  protected void doStart() {
    sweeper =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("dss-header-deadline").factory());
    sweeper.scheduleWithFixedDelay(this::sweep, 1, 1, TimeUnit.SECONDS);
  }

  @Override
  protected void doStop() {
    sweeper.shutdownNow();
  }

  private void sweep() {
    long now = System.nanoTime();
    open.forEach(
        (connection, seen) -> {
          long requests = connection.getMessagesIn();
          long bytes = connection.getBytesIn();
          if (requests != seen.requests || requests > connection.getMessagesOut()) {
            // headers complete, or a request is being answered (its body is the data rate's
            // business): nothing is being waited for
            seen.requests = requests;
            seen.bytes = bytes;
            seen.readingSince = 0;
          } else if (bytes > seen.bytes) {
            if (seen.readingSince == 0) seen.readingSince = now;
            else if (now - seen.readingSince > limitNanos) connection.close();
          }
        });
  }
}
