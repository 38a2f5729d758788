package dss.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Slow clients cannot hold connections: a raw socket sending its headers, or its body, a byte a
 * second is dropped by the server (the header deadline, the minimum body rate), while the idle
 * timeout alone would keep it forever (every byte restarts it).
 */
class SlowClientTest {
  @TempDir static Path tmp;
  @RegisterExtension static final TestServers servers = TestServers.perClass();
  static TestServer s;

  /**
   * How long the test waits for the server to drop a connection: a bound for a server that never
   * does (the deadlines are 10 s for headers, a few seconds for a body), not a speed target.
   */
  private static final Duration CAP = Duration.ofSeconds(90);

  @BeforeAll
  static void start() throws Exception {
    s = servers.builder(tmp).start();
  }

  @Test
  void headersSentAByteASecondAreDropped() throws Exception {
    assertDropped("GET /api/health HTTP/1.1\r\nHost: localhost\r\nX-Slow: ", "");
    assertEquals(200, s.get("/api/health").statusCode(), "the server answers others meanwhile");
  }

  @Test
  void aBodySentAByteASecondIsDropped() throws Exception {
    String head =
        "POST /api/search HTTP/1.1\r\nHost: localhost\r\nContent-Type: image/jpeg\r\n"
            + "Content-Length: 100000\r\n\r\n";
    assertDropped(head, "\u00ff\u00d8");
    assertEquals(200, s.get("/api/health").statusCode(), "the server answers others meanwhile");
  }

  /**
   * Sends {@code start} at once, then a byte a second, until the server closes the connection;
   * fails if it has not after {@link #CAP}. {@code first} bytes go before the trickle of 'a's.
   */
  private static void assertDropped(String start, String first) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", s.server.port())) {
      socket.setSoTimeout((int) CAP.toMillis());
      OutputStream out = socket.getOutputStream();
      out.write((start + first).getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      Thread trickle =
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      for (int i = 0; i < CAP.toSeconds() + 10; i++) {
                        Thread.sleep(1000);
                        out.write('a');
                        out.flush();
                      }
                    } catch (IOException | InterruptedException e) {
                      // the server closed the connection (or the test ended): stop sending
                    }
                  });
      try {
        InputStream in = socket.getInputStream();
        // whatever the server answers before it closes (an error status) is read and skipped:
        // reaching the end of the stream is the point
        in.readAllBytes();
      } catch (SocketTimeoutException e) {
        fail("the server still held the connection after " + CAP.toSeconds() + " s");
      } catch (SocketException e) {
        // reset by the server: dropped as well
      } finally {
        trickle.interrupt();
      }
    }
  }
}
