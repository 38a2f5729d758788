package dss.web;

import static dss.web.TestClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dss.review.Dismissals;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * "Not duplicates" on a real server: a dismissal splits a near-duplicate pair and a byte-identical
 * pair out of the duplicate groups, is listed, survives a restart of the server on the same index
 * (kept in the index folder), and is undone; bad requests are 400s naming the field, writes need
 * the token, an unknown dismissal is a 404.
 */
class DismissalsTest {
  @TempDir Path tmp;

  private static HttpResponse<byte[]> send(
      TestServer s, String method, String path, String body, String token) throws Exception {
    HttpRequest.Builder r =
        HttpRequest.newBuilder(s.uri(path))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .header("Content-Type", "application/json");
    if (token != null) r.header("Authorization", "Bearer " + token);
    return s.send(r);
  }

  private static String text(HttpResponse<byte[]> r) {
    return new String(r.body(), StandardCharsets.UTF_8);
  }

  /** Whether some duplicate group holds both ids. */
  private static boolean grouped(TestServer s, String a, String b) throws Exception {
    JsonNode groups = json(s.get("/api/duplicates?page_size=500")).get("groups");
    for (JsonNode g : groups) {
      Set<String> ids = new HashSet<>();
      for (JsonNode m : g.get("members")) ids.add(m.get("id").asText());
      if (ids.contains(a) && ids.contains(b)) return true;
    }
    return false;
  }

  @Test
  void aDismissalKeepsImagesApartAcrossARestartUntilUndone() throws Exception {
    String small, big, copy, original, dismissalId;
    Path indexDir = tmp.resolve("index");
    try (TestServer s = new TestServer.Builder(tmp).token(TestServer.TOKEN).start()) {
      big = s.id("scene-0");
      small = s.id("scene-0-small");
      original = s.id("scene-1");
      copy = s.id("scene-1-copy");
      assertTrue(grouped(s, big, small), "the resized copy is a near duplicate");
      assertTrue(grouped(s, original, copy), "the byte-identical copy is grouped");

      String body = "{\"ids\": [\"" + big + "\", \"" + small + "\"]}";
      assertEquals(401, send(s, "POST", "/api/duplicates/dismissals", body, null).statusCode());
      for (String bad :
          new String[] {
            "{\"ids\": [\"" + big + "\"]}",
            "{\"ids\": [\"" + big + "\", \"" + big + "\"]}",
            "{\"ids\": [\"" + big + "\", \"no-such-image\"]}",
            "{\"ids\": \"" + big + "\"}",
            "{}",
            "not json"
          }) {
        HttpResponse<byte[]> r =
            send(s, "POST", "/api/duplicates/dismissals", bad, TestServer.TOKEN);
        assertEquals(400, r.statusCode(), bad + ": " + text(r));
        if (!bad.equals("not json")) assertTrue(text(r).contains("ids"), text(r));
      }
      HttpResponse<byte[]> unknown =
          send(
              s,
              "POST",
              "/api/duplicates/dismissals",
              "{\"ids\": [\"" + big + "\", \"no-such-image\"]}",
              TestServer.TOKEN);
      assertTrue(text(unknown).contains("no-such-image"), text(unknown));

      HttpResponse<byte[]> created =
          send(s, "POST", "/api/duplicates/dismissals", body, TestServer.TOKEN);
      assertEquals(201, created.statusCode(), text(created));
      dismissalId = json(created).get("id").asText();
      assertEquals(big, json(created).get("ids").get(0).asText());
      assertEquals(
          201,
          send(
                  s,
                  "POST",
                  "/api/duplicates/dismissals",
                  "{\"ids\": [\"" + original + "\", \"" + copy + "\"]}",
                  TestServer.TOKEN)
              .statusCode());
      assertFalse(grouped(s, big, small));
      assertFalse(grouped(s, original, copy), "byte-identical copies kept apart too");
      assertTrue(Files.isRegularFile(indexDir.resolve(Dismissals.FILE_NAME)));
    }

    // the same index, a new server process's worth of state
    try (TestServer s =
        new TestServer.Builder(tmp).withoutFixtures().token(TestServer.TOKEN).start()) {
      JsonNode listed = json(s.get("/api/duplicates/dismissals")).get("dismissals");
      assertEquals(2, listed.size(), listed.toString());
      assertEquals(dismissalId, listed.get(0).get("id").asText());
      assertEquals(2, listed.get(0).get("ids").size());
      assertTrue(listed.get(0).get("at").asText().endsWith("Z"));
      assertFalse(grouped(s, big, small), "still apart after the restart");

      HttpResponse<byte[]> undone =
          send(s, "DELETE", "/api/duplicates/dismissals/" + dismissalId, null, TestServer.TOKEN);
      assertEquals(200, undone.statusCode(), text(undone));
      assertTrue(grouped(s, big, small), "grouped again once undone");
      assertFalse(grouped(s, original, copy), "the other dismissal stays");
      assertEquals(1, json(s.get("/api/duplicates/dismissals")).get("dismissals").size());
      assertEquals(
          404,
          send(s, "DELETE", "/api/duplicates/dismissals/" + dismissalId, null, TestServer.TOKEN)
              .statusCode());
      assertEquals(401, send(s, "DELETE", "/api/duplicates/dismissals/x", null, null).statusCode());
    }
  }

  @Test
  void withoutATokenDismissalsAreReadOnly() throws Exception {
    try (TestServer s = new TestServer.Builder(tmp).start()) {
      assertEquals(200, s.get("/api/duplicates/dismissals").statusCode());
      HttpResponse<byte[]> r =
          send(
              s,
              "POST",
              "/api/duplicates/dismissals",
              "{\"ids\": [\"" + s.id("scene-0") + "\", \"" + s.id("scene-0-small") + "\"]}",
              null);
      assertEquals(403, r.statusCode(), text(r));
      JsonNode writes = json(s.get("/api/stats")).get("writes");
      assertFalse(writes.get("enabled").asBoolean());
      assertFalse(writes.get("quarantine").asBoolean());
      assertFalse(writes.get("add_to_library").asBoolean());
    }
  }
}
