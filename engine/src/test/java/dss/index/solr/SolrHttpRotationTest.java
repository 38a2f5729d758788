package dss.index.solr;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * How {@link SolrHttp} moves between nodes, on three stand-in nodes (sockets answering as Solr
 * does: JSON, or 503 while a shard has no leader), so that the order of failures is exact. The
 * cluster-level proof is {@link SolrNodeKillTest}.
 */
class SolrHttpRotationTest {
  private final List<ServerSocket> nodes = new ArrayList<>();

  @AfterEach
  void stop() throws IOException {
    for (ServerSocket node : nodes) node.close();
  }

  /**
   * A client that has already moved around the whole ring once (each node answered 503 once, as
   * nodes do during a leader election) and whose entry node then dies: its requests go to the nodes
   * that answer, not to the dead entry until the retry budget runs out.
   */
  @Test
  void aClientThatWentRoundTheRingLeavesItsDeadEntryNode() throws Exception {
    List<AtomicInteger> answered = new ArrayList<>();
    for (int n = 0; n < 3; n++) answered.add(node(1));
    StringBuilder seeds = new StringBuilder();
    for (ServerSocket node : nodes) {
      if (!seeds.isEmpty()) seeds.append(',');
      seeds.append("127.0.0.1:").append(node.getLocalPort());
    }
    SolrLocation where = SolrLocation.parse("solr://" + seeds + "/c?retry=5");
    try (SolrHttp http = new SolrHttp(where)) {
      http.useLocationRetry();
      // each node answers 503 once, then 200: the request goes round the ring and ends on the entry
      assertEquals("ok", http.get("/c/select", Map.of()).path("status").asText());
      kill(nodes.get(0)); // the entry node dies (connection refused from now on)
      for (int i = 0; i < 4; i++) {
        assertEquals("ok", http.get("/c/select", Map.of()).path("status").asText());
      }
      assertEquals(4, answered.get(1).get() + answered.get(2).get() - 2, "answers after the kill");
    }
  }

  /**
   * Closes the node and waits until its port refuses connections: a thread blocked in {@code
   * accept} can still take one queued connection after {@code close} returns, and that node would
   * answer it.
   */
  private static void kill(ServerSocket node) throws Exception {
    int port = node.getLocalPort();
    node.close();
    for (int i = 0; i < 200; i++) {
      try (Socket probe = new Socket(InetAddress.getLoopbackAddress(), port)) {
        Thread.sleep(10); // still listening: wait for the close to take effect
      } catch (java.net.ConnectException refused) {
        return;
      }
    }
    throw new AssertionError("port " + port + " still accepts connections after its close");
  }

  /**
   * A node on a free port: answers 503 to its first {@code failures} requests, then
   * {"status":"ok"}; one request per connection (the JDK's HTTP server is off limits here).
   */
  private AtomicInteger node(int failures) throws IOException {
    AtomicInteger requests = new AtomicInteger();
    ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    nodes.add(server);
    Thread.ofPlatform()
        .daemon()
        .name("node-" + server.getLocalPort())
        .start(
            () -> {
              while (!server.isClosed()) {
                try (Socket socket = server.accept()) {
                  answer(socket, requests.incrementAndGet() <= failures);
                } catch (IOException e) {
                  // closed: the node is dead
                }
              }
            });
    return requests;
  }

  private static void answer(Socket socket, boolean fail) throws IOException {
    BufferedReader in =
        new BufferedReader(
            new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
    for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
      // request line and headers: a GET, no body
    }
    byte[] body =
        (fail ? "{\"error\":{\"msg\":\"no leader\",\"code\":503}}" : "{\"status\":\"ok\"}")
            .getBytes(StandardCharsets.UTF_8);
    OutputStream out = socket.getOutputStream();
    out.write(
        ((fail ? "HTTP/1.1 503 Service Unavailable" : "HTTP/1.1 200 OK")
                + "\r\nContent-Type: application/json\r\nContent-Length: "
                + body.length
                + "\r\nConnection: close\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    out.write(body);
    out.flush();
  }
}
