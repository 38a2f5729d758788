package dss.web;

import static dss.web.TestServer.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The served OpenAPI document against the server's registered routes (read from Javalin, not a list
 * kept by hand): the same routes both ways, security exactly on the routes that answer 401 without
 * the token, an operationId on each, no untyped object. A route added to the server without its
 * description, or a description left behind, fails here.
 */
class OpenApiTest {
  @TempDir static Path tmp;
  @RegisterExtension static final TestServers servers = TestServers.perClass();
  static TestServer s;
  static JsonNode document;

  @BeforeAll
  static void start() throws Exception {
    s = servers.builder(tmp).token(TestServer.TOKEN).start();
    document = json(s.get("/openapi.json"));
  }

  @Test
  void theDocumentHasExactlyTheServersRoutes() {
    Set<String> served = new TreeSet<>(s.server.routes());
    assertTrue(served.contains("POST /api/check"), "the registered routes are read: " + served);
    Set<String> documented = new TreeSet<>(operations().keySet());
    Set<String> missing = new TreeSet<>(served);
    missing.removeAll(documented);
    Set<String> extra = new TreeSet<>(documented);
    extra.removeAll(served);
    assertTrue(missing.isEmpty(), "routes the document lacks: " + missing);
    assertTrue(extra.isEmpty(), "routes in the document the server lacks: " + extra);
  }

  /** Each route asked without the token: those that answer 401 are the ones marked secured. */
  @Test
  void securityIsOnExactlyTheTokenRoutes() throws Exception {
    JsonNode global = document.get("security");
    assertTrue(global == null || global.isEmpty(), "no document-wide security: " + global);
    Set<String> answered401 = new TreeSet<>();
    for (String route : s.server.routes()) {
      String method = route.substring(0, route.indexOf(' '));
      String path = route.substring(route.indexOf(' ') + 1).replaceAll("\\{[^}]+}", "unknown-id");
      HttpRequest.Builder request =
          HttpRequest.newBuilder(s.uri(path)).method(method, HttpRequest.BodyPublishers.noBody());
      if (s.send(request).statusCode() == 401) answered401.add(route);
    }
    Set<String> secured = new TreeSet<>();
    operations()
        .forEach(
            (route, operation) -> {
              JsonNode security = operation.get("security");
              if (security != null && !security.isEmpty()) {
                assertEquals("bearer", security.get(0).fieldNames().next(), route);
                secured.add(route);
              }
            });
    assertTrue(answered401.contains("POST /api/check"), "token routes: " + answered401);
    assertEquals(answered401, secured, "routes that need the token vs routes marked secured");
  }

  @Test
  void everyOperationHasItsOwnOperationId() {
    Set<String> ids = new HashSet<>();
    operations()
        .forEach(
            (route, operation) -> {
              JsonNode id = operation.get("operationId");
              assertTrue(id != null && !id.asText().isBlank(), "no operationId: " + route);
              assertTrue(ids.add(id.asText()), "operationId used twice: " + id);
            });
  }

  /** An object schema names its properties (or says what its map holds): a client can type it. */
  @Test
  void noObjectIsUntyped() {
    List<String> untyped = new ArrayList<>();
    walk(document, "", untyped);
    assertTrue(untyped.isEmpty(), "object schemas without properties: " + untyped);
  }

  private static void walk(JsonNode node, String where, List<String> untyped) {
    if (node.isObject()) {
      if ("object".equals(node.path("type").asText())
          && !node.has("properties")
          && !node.has("additionalProperties")) {
        untyped.add(where);
      }
      node.properties().forEach(e -> walk(e.getValue(), where + "/" + e.getKey(), untyped));
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) walk(node.get(i), where + "/" + i, untyped);
    }
  }

  /** "METHOD /path" to its operation, for every operation of the document. */
  private static Map<String, JsonNode> operations() {
    Map<String, JsonNode> operations = new TreeMap<>();
    document
        .get("paths")
        .properties()
        .forEach(
            path ->
                path.getValue()
                    .properties()
                    .forEach(
                        op -> {
                          if (Set.of("get", "put", "post", "delete", "patch", "head", "options")
                              .contains(op.getKey())) {
                            operations.put(
                                op.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey(),
                                op.getValue());
                          }
                        }));
    return operations;
  }
}
