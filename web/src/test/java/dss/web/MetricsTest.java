package dss.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /metrics} stays bounded whatever clients send (made-up methods and paths add no series),
 * and its exposition passes {@code promtool check metrics}.
 */
class MetricsTest {
  @TempDir static Path tmp;
  @RegisterExtension static final TestServers servers = TestServers.perClass();
  static TestServer s;

  /** {@code name{labels}} of one sample line of the exposition. */
  private static final Pattern SAMPLE =
      Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*\\{[^}]*\\}|\\S+) ");

  private static final Pattern REQUESTS =
      Pattern.compile(
          "^dss_http_requests_total\\{method=\"([^\"]*)\",route=\"([^\"]*)\",status=\"(\\d+)\"\\}");

  @BeforeAll
  static void start() throws Exception {
    s = servers.builder(tmp).token(TestServer.TOKEN).start();
  }

  @Test
  void madeUpMethodsAndPathsAddNoSeries() throws Exception {
    Set<String> before = requestLabels(scrape()); // whatever the class's other tests sent so far
    Random random = new Random(26);
    flood(random, 800);
    String first = scrape();
    Set<String> afterFirst = httpSeries(first);
    flood(random, 800); // other made-up methods and paths: nothing new may appear
    String second = scrape();
    assertEquals(
        afterFirst, httpSeries(second), "series added by a second flood of made-up requests");

    // What the requests above are, written out here, not derived from the server's labels.
    Set<String> expected = new TreeSet<>(before);
    expected.add("GET /metrics 200"); // the scrapes
    expected.add("other unmatched 404"); // a made-up method, on a real path or a made-up one
    expected.add("GET unmatched 404"); // a made-up path
    expected.add("GET /api/images/{id} 404"); // a route with an id nobody indexed
    assertEquals(expected, requestLabels(second), second);
    // one latency histogram per method and route, not per id or per made-up method
    long pairs = expected.stream().map(l -> l.substring(0, l.lastIndexOf(' '))).distinct().count();
    assertEquals(
        pairs,
        second.lines().filter(l -> l.startsWith("dss_http_request_seconds_count{")).count(),
        second);
  }

  @Test
  void everyRouteLabelIsARouteOfTheServer() throws Exception {
    s.get("/"); // the page: no API route
    s.get("/app.js");
    s.get("/api/images/" + "0".repeat(64) + "/thumbnail");
    Set<String> allowed = new TreeSet<>(Set.of("static", "unmatched"));
    for (String route : s.server.routes()) allowed.add(route.substring(route.indexOf(' ') + 1));
    String text = scrape();
    Set<String> routes = new TreeSet<>();
    Set<String> methods = new TreeSet<>();
    for (String series : requestLabels(text)) {
      String[] parts = series.split(" ");
      methods.add(parts[0]);
      routes.add(parts[1]);
    }
    assertTrue(allowed.containsAll(routes), "route labels " + routes + " outside " + allowed);
    assertTrue(routes.contains("static"), "the page's files: " + routes);
    assertTrue(
        Set.of(
                "GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH",
                "other")
            .containsAll(methods),
        "method labels " + methods);
  }

  @Test
  void promtoolAcceptsTheExposition() throws Exception {
    Path promtool = onPath("promtool");
    Assumptions.assumeTrue(
        promtool != null,
        "promtool is not installed (Debian: apt-get install prometheus); .ci/run installs it");
    s.get("/api/search?id=" + s.id("scene-0"));
    s.post("/api/search", TestServer.multipart("image", s.bytes("scene-6")));
    Path exposition = tmp.resolve("metrics.txt");
    Files.writeString(exposition, scrape());
    Process check =
        new ProcessBuilder(promtool.toString(), "check", "metrics")
            .redirectInput(exposition.toFile())
            .redirectErrorStream(true)
            .start();
    String said = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(check.waitFor(60, TimeUnit.SECONDS), "promtool did not finish");
    assertEquals(0, check.exitValue(), "promtool check metrics: " + said);
  }

  /** Requests with made-up methods (on real and made-up paths) and made-up paths. */
  private static void flood(Random random, int count) throws Exception {
    for (int i = 0; i < count; i++) {
      String word = word(random);
      HttpRequest.Builder request =
          switch (i % 4) {
            case 0 -> HttpRequest.newBuilder(s.uri("/api/health")).method(word, noBody());
            case 1 ->
                HttpRequest.newBuilder(s.uri("/" + word.toLowerCase(Locale.ROOT)))
                    .method(word, noBody());
            case 2 -> HttpRequest.newBuilder(s.uri("/api/" + word.toLowerCase(Locale.ROOT)));
            default ->
                HttpRequest.newBuilder(s.uri("/api/images/" + word.toLowerCase(Locale.ROOT)));
          };
      int status = s.send(request).statusCode();
      assertEquals(404, status, "request " + i + " (" + word + ")");
    }
  }

  private static HttpRequest.BodyPublisher noBody() {
    return HttpRequest.BodyPublishers.noBody();
  }

  /** Eight random capitals: never one of HTTP's own methods. */
  private static String word(Random random) {
    StringBuilder word = new StringBuilder("X");
    for (int i = 0; i < 8; i++) word.append((char) ('A' + random.nextInt(26)));
    return word.toString();
  }

  private static String scrape() throws Exception {
    return new String(s.get("/metrics").body(), StandardCharsets.UTF_8);
  }

  /** Every {@code dss_http_*} series (name and labels) in the exposition. */
  private static Set<String> httpSeries(String text) {
    Set<String> series = new TreeSet<>();
    for (String line : text.lines().filter(l -> l.startsWith("dss_http_")).toList()) {
      Matcher m = SAMPLE.matcher(line);
      assertTrue(m.find(), line);
      series.add(m.group(1));
    }
    return series;
  }

  /** "METHOD route status" of every {@code dss_http_requests_total} series. */
  private static Set<String> requestLabels(String text) {
    Set<String> labels = new TreeSet<>();
    for (String line : text.lines().toList()) {
      Matcher m = REQUESTS.matcher(line);
      if (m.find()) labels.add(m.group(1) + " " + m.group(2) + " " + m.group(3));
    }
    return labels;
  }

  private static Path onPath(String program) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path candidate = Path.of(dir, program);
      if (!dir.isEmpty() && Files.isExecutable(candidate)) return candidate;
    }
    return null;
  }
}
