package dss.web;

import static dss.web.TestServer.multipart;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every kind of response carries the browser-side protections: no content sniffing, a
 * Content-Security-Policy that allows only this server's own scripts, styles and images (plus
 * blob:/data: previews), no framing, no referrer. Successes, the page and its assets, binary files,
 * and errors from each layer (our handlers, Javalin's routing, Jetty before routing) are all
 * checked.
 */
class SecurityHeadersTest {
  @TempDir static Path tmp;
  static TestServer s;

  @BeforeAll
  static void start() throws Exception {
    s = TestServer.start(tmp, TestServer.TOKEN, SearchServer.Options.DEFAULT_MAX_UPLOAD);
  }

  @AfterAll
  static void stop() throws Exception {
    s.close();
  }

  @Test
  void everyResponseCarriesTheSecurityHeaders() throws Exception {
    String id = s.id("scene-0");
    Map<String, HttpResponse<byte[]>> responses = new LinkedHashMap<>();
    for (String path :
        List.of(
            "/",
            "/index.html",
            "/app.js",
            "/app.css",
            "/openapi.json",
            "/api/health",
            "/api/stats",
            "/metrics",
            "/api/search?id=" + id,
            "/api/images/" + id,
            "/api/images/" + id + "/thumbnail",
            "/api/duplicates",
            "/api/search?id=nope",
            "/api/search?k=x",
            "/api/nothing",
            "/no-such-file.js",
            "/api/images/..;/..;/etc/passwd")) {
      responses.put("GET " + path, s.get(path));
    }
    responses.put(
        "POST /api/search", s.post("/api/search?k=1", multipart("image", s.bytes("scene-1"))));
    responses.put(
        "POST /api/search (not an image)",
        s.post("/api/search", multipart("image", "text".getBytes(StandardCharsets.UTF_8))));
    responses.put(
        "POST /api/images (no token)",
        s.post("/api/images", multipart("image", s.bytes("scene-1"))));
    responses.put(
        "PUT /api/health",
        s.send(
            HttpRequest.newBuilder(s.uri("/api/health")).PUT(HttpRequest.BodyPublishers.noBody())));

    // each layer really answered: a mix of successes and errors of every origin
    assertEquals(200, responses.get("GET /app.js").statusCode());
    assertEquals(200, responses.get("GET /api/images/" + id).statusCode());
    assertEquals(404, responses.get("GET /api/nothing").statusCode());
    assertEquals(400, responses.get("GET /api/images/..;/..;/etc/passwd").statusCode());
    assertEquals(401, responses.get("POST /api/images (no token)").statusCode());

    responses.forEach(
        (what, response) -> {
          String where = what + " (" + response.statusCode() + ")";
          assertEquals("nosniff", header(response, "X-Content-Type-Options"), where);
          assertEquals("DENY", header(response, "X-Frame-Options"), where);
          assertEquals("no-referrer", header(response, "Referrer-Policy"), where);
          String csp = header(response, "Content-Security-Policy");
          for (String directive :
              List.of(
                  "default-src 'self'",
                  "img-src 'self' blob: data:",
                  "frame-ancestors 'none'",
                  "object-src 'none'",
                  "base-uri 'none'")) {
            assertTrue(csp.contains(directive), where + ": '" + directive + "' not in CSP: " + csp);
          }
          // nothing may loosen the policy for scripts or styles
          assertTrue(
              !csp.contains("unsafe-inline") && !csp.contains("unsafe-eval") && !csp.contains("*"),
              where + ": " + csp);
        });
  }

  private static String header(HttpResponse<byte[]> response, String name) {
    return response.headers().firstValue(name).orElse("(missing)");
  }
}
