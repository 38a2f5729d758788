package dss.index.solr;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dss.index.IndexException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Solr's HTTP API as JSON over {@code java.net.http} (no SolrJ: its Jetty client would clash with
 * the server's).
 *
 * <p>Requests go to one node of the cluster; the others are known from the cluster's live nodes. A
 * node that does not answer (connection refused or reset, a timeout) or answers 502/503/504 or 500
 * (a shard without a live replica while the cluster reroutes) is left for the next, with back-off,
 * until {@link #retryBudget} has passed: a node briefly down costs a retry, not an error. Then the
 * error names the URL. Other 4xx answers are errors at once. Every request we send is idempotent
 * (updates are keyed by id), so resending one is safe.
 */
final class SolrHttp implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SolrHttp.class);

  /** Float values (scores) parse exactly (see {@link #floatValue}); vectors come back as bytes. */
  static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

  /**
   * The first contact: a cluster that is not there is reported soon (read at each contact; tests
   * shorten it).
   */
  static Duration firstContactRetry() {
    return Duration.ofSeconds(Long.getLong("dss.solr.connectSeconds", 5));
  }

  private final HttpClient client;
  private final String entry; // the first seed, http://host:port/solr
  private final List<String> seeds;
  private final SolrLocation.Timeouts timeouts;
  private final List<String> nodes = new CopyOnWriteArrayList<>();
  private final AtomicInteger current = new AtomicInteger();
  private volatile Duration retryBudget = firstContactRetry();

  SolrHttp(SolrLocation where) {
    this.seeds = where.baseUrls();
    this.entry = seeds.get(0);
    this.timeouts = where.timeouts();
    this.nodes.addAll(seeds);
    this.client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(timeouts.connect())
            .build();
  }

  /** Releases the client's connections and selector thread. */
  @Override
  public void close() {
    client.close();
  }

  String entry() {
    return entry;
  }

  List<String> nodes() {
    return List.copyOf(nodes);
  }

  void retryBudget(Duration budget) {
    this.retryBudget = budget;
  }

  /** The retry budget after the first contact: the location's. */
  void useLocationRetry() {
    this.retryBudget = timeouts.retry();
  }

  SolrLocation.Timeouts timeouts() {
    return timeouts;
  }

  /**
   * Learns the live nodes from the cluster (the seeds stay first), so requests can move to another
   * node when one stops. Keeps the seeds' scheme.
   */
  void discoverNodes() throws IOException {
    JsonNode status = get("/admin/collections", Map.of("action", "CLUSTERSTATUS"), timeouts.read());
    List<String> found = new ArrayList<>(seeds);
    String scheme = URI.create(entry).getScheme();
    for (JsonNode node : status.path("cluster").path("live_nodes")) {
      String url = nodeUrl(scheme, node.asText());
      if (url != null && !found.contains(url)) found.add(url);
    }
    nodes.clear();
    nodes.addAll(found);
  }

  /** {@code 127.0.0.1:8983_solr} -> {@code http://127.0.0.1:8983/solr}. */
  static String nodeUrl(String scheme, String nodeName) {
    int underscore = nodeName.indexOf('_');
    if (underscore < 0) return null;
    String context = URLDecoder.decode(nodeName.substring(underscore + 1), StandardCharsets.UTF_8);
    return scheme
        + "://"
        + nodeName.substring(0, underscore)
        + (context.isEmpty() ? "" : "/" + context);
  }

  JsonNode get(String path, Map<String, String> params) throws IOException {
    return get(path, params, timeouts.read());
  }

  JsonNode get(String path, Map<String, String> params, Duration timeout) throws IOException {
    String query = form(withJson(params));
    return send(
        base ->
            HttpRequest.newBuilder(URI.create(base + path + "?" + query)).timeout(timeout).GET(),
        path);
  }

  /** One request to one node, no retry (per-node figures such as index sizes). */
  JsonNode getAt(String nodeUrl, String path, Map<String, String> params) throws IOException {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(nodeUrl + path + "?" + form(withJson(params))))
            .timeout(timeouts.read())
            .GET()
            .build();
    try {
      HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
      if (response.statusCode() / 100 != 2)
        throw SolrError.of(response.statusCode(), response.body(), nodeUrl + path).exception();
      return parse(response.body(), nodeUrl + path);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted while waiting for Solr at " + nodeUrl);
    }
  }

  /**
   * A query as a POST of Solr's JSON request form, {"params": {...}}: a 1792-float k-NN query is
   * too long for a URL (HTTP 414), and as JSON it is not inflated by URL-encoding.
   */
  JsonNode post(String path, Map<String, String> params) throws IOException {
    byte[] body = JSON.writeValueAsBytes(Map.of("params", withJson(params)));
    return send(
        base ->
            HttpRequest.newBuilder(URI.create(base + path))
                .timeout(timeouts.read())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)),
        path);
  }

  /** A body of another type (JSON updates, a configset zip) with URL parameters. */
  JsonNode send(
      String method,
      String path,
      Map<String, String> params,
      String contentType,
      byte[] body,
      Duration timeout)
      throws IOException {
    String query = form(withJson(params));
    return send(
        base ->
            HttpRequest.newBuilder(URI.create(base + path + "?" + query))
                .timeout(timeout)
                .header("Content-Type", contentType)
                .method(method, HttpRequest.BodyPublishers.ofByteArray(body)),
        path);
  }

  private interface RequestFor {
    HttpRequest.Builder at(String baseUrl);
  }

  /**
   * Sends to the current node, moving on to the next one on a failure. Nodes that answer with a
   * retryable error (or time out) are retried, with back-off, until the retry budget is spent; but
   * when every known node in turn refuses the connection, nobody is there to wait for and the
   * request fails at once: a server in front of a stopped cluster answers in milliseconds, and the
   * next request tries again (so it recovers by itself when the cluster returns).
   */
  private JsonNode send(RequestFor request, String path) throws IOException {
    long deadline = System.nanoTime() + retryBudget.toNanos();
    long backoffMs = 100;
    Exception last = null;
    String lastUrl = entry;
    java.util.Set<String> refused = new java.util.HashSet<>(); // nodes that refused a connection
    for (int attempt = 0; ; attempt++) {
      List<String> known = nodes;
      int turn = current.get();
      String base = known.get(Math.floorMod(turn, known.size()));
      lastUrl = base;
      try {
        HttpResponse<byte[]> response =
            client.send(request.at(base).build(), HttpResponse.BodyHandlers.ofByteArray());
        int status = response.statusCode();
        if (status / 100 == 2) return parse(response.body(), base + path);
        SolrError error = SolrError.of(status, response.body(), base + path);
        if (!error.retryable()) throw error.exception();
        last = error.exception();
        refused.remove(base);
      } catch (IOException e) {
        if (e instanceof IndexException) throw e;
        last = e;
        if (refusedConnection(e)) refused.add(base);
        else refused.remove(base);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException("interrupted while waiting for Solr at " + base);
      }
      // The next request goes to the next node. The counter only grows (the node is the counter
      // modulo the node count), and only the first of the threads that failed on one turn moves it.
      // Compared with the node's index instead, it would stop at the node count after one round of
      // failures and keep the client on its first node for good, dead or not.
      current.compareAndSet(turn, turn + 1);
      if (refused.containsAll(known)) break; // every node refuses a connection: the cluster is down
      if (System.nanoTime() > deadline) break;
      if ((attempt + 1) % known.size()
          == 0) { // every node tried once: wait a little before the next round
        sleep(backoffMs);
        backoffMs = Math.min(2000, backoffMs * 2);
      }
      LOG.debug("Solr request to {} failed ({}); retrying", base + path, last.toString());
    }
    throw unreachable(lastUrl, path, last);
  }

  /**
   * The node actively refused the connection (nothing listens on its port, or its host is unknown
   * or unreachable): a definite answer, unlike a connect timeout (a node too busy to accept at once
   * is retried within the budget).
   */
  private static boolean refusedConnection(IOException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.net.http.HttpConnectTimeoutException) return false;
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ConnectException
          || t instanceof java.net.NoRouteToHostException
          || t instanceof java.net.UnknownHostException
          || t instanceof java.nio.channels.UnresolvedAddressException) return true;
    }
    return false;
  }

  /** No connection was made: refused, connect timeout, no route, unknown host. */
  private static boolean notConnected(IOException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.net.http.HttpConnectTimeoutException
          || t instanceof ConnectException
          || t instanceof java.net.NoRouteToHostException
          || t instanceof java.net.UnknownHostException
          || t instanceof java.nio.channels.UnresolvedAddressException) return true;
    }
    return false;
  }

  private IndexException.Unreachable unreachable(String url, String path, Exception cause) {
    IOException io = cause instanceof IOException e ? e : new IOException(cause);
    String reason =
        refusedConnection(io)
            ? "connection refused"
            : notConnected(io)
                ? "no connection within " + timeouts.connect().toSeconds() + " s"
                : cause instanceof java.net.http.HttpTimeoutException
                    ? "no answer within the read timeout"
                    : cause.getMessage() != null ? cause.getMessage() : cause.toString();
    List<String> known = nodes();
    String where =
        known.size() == 1
            ? url
            : known.size() <= 5
                ? "any of " + String.join(", ", known)
                : url + " (or any of its " + known.size() + " nodes)";
    return new IndexException.Unreachable(
        "the SolrCloud cluster at "
            + where
            + " did not answer "
            + path
            + ": "
            + reason
            + " (is the cluster running?)",
        cause);
  }

  private static JsonNode parse(byte[] body, String url) throws IOException {
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      throw new IOException("Solr at " + url + " answered with something that is not JSON", e);
    }
  }

  private static void sleep(long ms) throws IOException {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted");
    }
  }

  private static Map<String, String> withJson(Map<String, String> params) {
    Map<String, String> p = new LinkedHashMap<>(params);
    p.putIfAbsent("wt", "json");
    return p;
  }

  static String form(Map<String, String> params) {
    StringJoiner joiner = new StringJoiner("&");
    params.forEach(
        (k, v) ->
            joiner.add(
                URLEncoder.encode(k, StandardCharsets.UTF_8)
                    + "="
                    + URLEncoder.encode(v, StandardCharsets.UTF_8)));
    return joiner.toString();
  }

  /**
   * A float read back exactly: Solr writes stored floats as their shortest decimal, which parses to
   * the same float only when parsed as a float (through a double it can round twice).
   */
  static float floatValue(JsonNode number) {
    return number.isBigDecimal()
        ? Float.parseFloat(number.decimalValue().toString())
        : number.floatValue();
  }

  /** An error answer: Solr's JSON {"error": {"msg", "code"}} when there is one. */
  record SolrError(int status, String message, String url) {
    static SolrError of(int status, byte[] body, String url) {
      String message = null;
      try {
        JsonNode error = JSON.readTree(body).path("error");
        if (error.has("msg")) message = error.get("msg").asText();
      } catch (IOException | RuntimeException e) {
        // not JSON (a Jetty error page)
      }
      if (message == null) {
        String text =
            new String(body, StandardCharsets.UTF_8)
                .replaceAll("<[^>]*>", " ")
                .replaceAll("\\s+", " ")
                .trim();
        message = text.length() > 300 ? text.substring(0, 300) + "..." : text;
      }
      return new SolrError(status, message, url);
    }

    boolean retryable() {
      return status == 500 || status == 502 || status == 503 || status == 504;
    }

    IOException exception() {
      return status == 404
          ? new NotFound(this)
          : new IndexException("Solr at " + url + " answered HTTP " + status + ": " + message);
    }
  }

  /** HTTP 404: no such collection or configset. */
  static final class NotFound extends IndexException {
    NotFound(SolrError e) {
      super("Solr at " + e.url() + " answered HTTP 404: " + e.message());
    }
  }
}
