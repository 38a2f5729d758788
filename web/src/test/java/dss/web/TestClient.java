package dss.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dss.model.TestModels;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * The JDK HttpClient against a server on a local port, with multipart bodies and the error-contract
 * check.
 */
abstract class TestClient {
  static final ObjectMapper JSON = new ObjectMapper();

  final HttpClient http = HttpClient.newHttpClient();

  abstract int port();

  static TestClient of(int port) {
    return new TestClient() {
      @Override
      int port() {
        return port;
      }
    };
  }

  URI uri(String pathAndQuery) {
    return URI.create("http://127.0.0.1:" + port() + pathAndQuery);
  }

  HttpResponse<byte[]> send(HttpRequest.Builder request) throws IOException, InterruptedException {
    return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  HttpResponse<byte[]> get(String pathAndQuery) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(uri(pathAndQuery)));
  }

  /** A multipart/form-data body: each part is a file (byte[]) or a text field (String). */
  static Multipart multipart(Object... nameValue) {
    String boundary = "----dss" + UUID.randomUUID();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < nameValue.length; i += 2) {
      String name = (String) nameValue[i];
      out.writeBytes(("--" + boundary + "\r\n").getBytes(StandardCharsets.UTF_8));
      if (nameValue[i + 1] instanceof byte[] bytes) {
        out.writeBytes(
            ("Content-Disposition: form-data; name=\""
                    + name
                    + "\"; filename=\""
                    + name
                    + ".bin\"\r\nContent-Type: application/octet-stream\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8));
        out.writeBytes(bytes);
      } else {
        out.writeBytes(
            ("Content-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + nameValue[i + 1])
                .getBytes(StandardCharsets.UTF_8));
      }
      out.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
    }
    out.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
    return new Multipart("multipart/form-data; boundary=" + boundary, out.toByteArray());
  }

  record Multipart(String contentType, byte[] body) {}

  HttpResponse<byte[]> post(String pathAndQuery, Multipart form, String... headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri(pathAndQuery))
            .header("Content-Type", form.contentType())
            .POST(HttpRequest.BodyPublishers.ofByteArray(form.body()));
    if (headers.length > 0) request.headers(headers);
    return send(request);
  }

  HttpResponse<byte[]> postRaw(String pathAndQuery, String contentType, byte[] body)
      throws IOException, InterruptedException {
    return send(
        HttpRequest.newBuilder(uri(pathAndQuery))
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
  }

  static JsonNode json(HttpResponse<byte[]> response) throws IOException {
    return JSON.readTree(response.body());
  }

  static List<String> ids(JsonNode results) {
    List<String> ids = new ArrayList<>();
    results.forEach(r -> ids.add(r.get("id").asText()));
    return ids;
  }

  /**
   * The error contract: the status in the body too, a message containing {@code expected}, JSON,
   * and nothing internal (stack trace, server-side path).
   */
  static void assertError(HttpResponse<byte[]> response, int status, String expected)
      throws IOException {
    String text = new String(response.body(), StandardCharsets.UTF_8);
    assertEquals(
        status,
        response.statusCode(),
        response.headers().firstValue("Content-Type").orElse("no type")
            + ": "
            + text.substring(0, Math.min(text.length(), 300)));
    assertTrue(
        response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"),
        text);
    JsonNode error = json(response).get("error");
    assertEquals(status, error.get("status").asInt(), text);
    String message = error.get("message").asText();
    assertTrue(
        message.toLowerCase(Locale.ROOT).contains(expected.toLowerCase(Locale.ROOT)),
        "'" + expected + "' not in: " + message);
    for (String local :
        List.of(System.getProperty("java.io.tmpdir") + "/", TestModels.root().toString())) {
      assertFalse(text.contains(local), "local path leaked: " + text);
    }
    assertFalse(
        text.contains("\tat ") || text.contains(".java:") || text.contains("at dss."),
        "stack trace: " + text);
  }
}
