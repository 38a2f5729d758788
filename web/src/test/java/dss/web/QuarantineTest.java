package dss.web;

import static dss.web.TestServer.json;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.StringReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The duplicate review's quarantine on a real server with real files: files really moved (keeping
 * their path below the library folder) and moved back, the index updated both ways, the token
 * required, the keeper never moved, undo once only and refused when the original path is taken,
 * name collisions in the quarantine folder, a missing file failing alone, the log as JSON and CSV,
 * and the routes off without --quarantine.
 */
class QuarantineTest {
  @TempDir static Path tmp;
  static TestServer s;
  static Path quarantine;

  @BeforeAll
  static void start() throws Exception {
    quarantine = tmp.resolve("quarantine");
    s =
        TestServer.start(
            tmp, TestServer.TOKEN, SearchServer.Options.DEFAULT_MAX_UPLOAD, 0, quarantine);
  }

  @AfterAll
  static void stop() throws Exception {
    s.close();
  }

  static HttpResponse<byte[]> post(TestClient client, String path, String body, String token)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(client.uri(path))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .header("Content-Type", "application/json");
    if (token != null) request.header("Authorization", "Bearer " + token);
    return client.send(request);
  }

  /**
   * Moves at threshold 2, where every image is in one group (the fixture's distinct scenes are
   * moved too).
   */
  static JsonNode move(String keep, String... move) throws Exception {
    HttpResponse<byte[]> response =
        post(s, "/api/quarantine", body(keep, 2f, move), TestServer.TOKEN);
    assertEquals(200, response.statusCode(), new String(response.body(), StandardCharsets.UTF_8));
    return json(response);
  }

  static String body(String keep, Float threshold, String... move) {
    StringBuilder body = new StringBuilder("{\"keep\": \"" + keep + "\", \"move\": [");
    for (int i = 0; i < move.length; i++)
      body.append(i > 0 ? ", " : "").append('"').append(move[i]).append('"');
    body.append("]");
    if (threshold != null) body.append(", \"threshold\": ").append(threshold);
    return body.append("}").toString();
  }

  /** The log, with the write token (the server has one). */
  static HttpResponse<byte[]> log(String query) throws Exception {
    return s.send(
        HttpRequest.newBuilder(s.uri("/api/quarantine/log" + query))
            .header("Authorization", "Bearer " + TestServer.TOKEN));
  }

  static HttpResponse<byte[]> undo(String moveId) throws Exception {
    return post(s, "/api/quarantine/" + moveId + "/undo", "", TestServer.TOKEN);
  }

  static int total() throws Exception {
    return json(s.get("/api/images")).get("total").asInt();
  }

  @Test
  void movesTheCopyNotTheKeeperThenUndoPutsItBack() throws Exception {
    Path copy = s.files.get("scene-1-copy");
    Path keeper = s.files.get("scene-1");
    byte[] bytes = Files.readAllBytes(copy);
    FileTime mtime = Files.getLastModifiedTime(copy);
    int before = total();
    JsonNode result = move(s.id("scene-1"), s.id("scene-1-copy"), s.id("scene-1"));

    JsonNode moved = result.get("moves");
    assertEquals(1, moved.size());
    Path target = quarantine.resolve("sub/scene-1-copy.png"); // its path below the library folder
    assertEquals(s.id("scene-1-copy"), moved.get(0).get("id").asText());
    assertEquals(copy.toAbsolutePath().normalize().toString(), moved.get(0).get("from").asText());
    assertEquals(target.toString(), moved.get(0).get("to").asText());
    assertFalse(moved.get(0).get("at").asText().isBlank());
    assertFalse(Files.exists(copy), "moved away");
    assertArrayEquals(bytes, Files.readAllBytes(target));
    assertTrue(Files.exists(keeper), "the keeper stays");
    assertEquals(1, result.get("errors").size());
    assertEquals(s.id("scene-1"), result.get("errors").get(0).get("id").asText());
    assertTrue(result.get("errors").get(0).get("error").asText().contains("keeper"));
    // out of the index
    assertEquals(before - 1, total());
    assertEquals(404, s.get("/api/search?id=" + s.id("scene-1-copy")).statusCode());
    assertEquals(200, s.get("/api/search?id=" + s.id("scene-1")).statusCode());

    String moveId = moved.get(0).get("move_id").asText();
    HttpResponse<byte[]> undone = undo(moveId);
    assertEquals(200, undone.statusCode(), new String(undone.body(), StandardCharsets.UTF_8));
    assertEquals(
        copy.toAbsolutePath().normalize().toString(), json(undone).get("undo").get("to").asText());
    assertArrayEquals(bytes, Files.readAllBytes(copy), "back where it was");
    assertEquals(mtime, Files.getLastModifiedTime(copy), "with its modification time");
    assertFalse(Files.exists(target));
    // back in the index, and its file matches the record again (the original is served)
    assertEquals(before, total());
    assertEquals(200, s.get("/api/search?id=" + s.id("scene-1-copy")).statusCode());
    assertEquals(200, s.get("/api/images/" + s.id("scene-1-copy")).statusCode());

    TestClient.assertError(undo(moveId), 409, "undone already");
    TestClient.assertError(undo("no-such-move"), 404, "no quarantine move with id 'no-such-move'");

    // the log: the move and the undo, as JSON and as CSV
    JsonNode entries = json(log("")).get("entries");
    List<String> events = new java.util.ArrayList<>();
    for (JsonNode e : entries) {
      if (e.get("move_id").asText().equals(moveId)) events.add(e.get("event").asText());
      assertFalse(
          e.has("vector") || e.has("record"), "the export has the decisions, not the documents");
    }
    assertEquals(List.of("move", "undo"), events);
    HttpResponse<byte[]> csv = log("?format=csv");
    assertTrue(csv.headers().firstValue("Content-Type").orElse("").startsWith("text/csv"));
    List<CSVRecord> rows =
        CSVFormat.RFC4180
            .builder()
            .setHeader()
            .setSkipHeaderRecord(true)
            .get()
            .parse(new StringReader(new String(csv.body(), StandardCharsets.UTF_8)))
            .getRecords();
    List<CSVRecord> mine = rows.stream().filter(r -> r.get("move_id").equals(moveId)).toList();
    assertEquals(2, mine.size());
    assertEquals("move", mine.get(0).get("event"));
    assertEquals(s.id("scene-1"), mine.get(0).get("keep"));
    assertEquals(target.toString(), mine.get(0).get("to"));
    assertEquals("undo", mine.get(1).get("event"));
    assertTrue(Files.readString(quarantine.resolve("quarantine-log.jsonl")).contains(moveId));
    TestClient.assertError(log("?format=xml"), 400, "format must be json or csv");
    // the log names the library's files: with a token set, it needs the token
    TestClient.assertError(s.get("/api/quarantine/log"), 401, "missing");
  }

  @Test
  void onlyTheKeepersGroupIsMoved() throws Exception {
    // at the default threshold scene-0 and scene-2 are not duplicates: nothing moves, the id named
    TestClient.assertError(
        post(
            s,
            "/api/quarantine",
            body(s.id("scene-2"), null, s.id("scene-0-small"), s.id("scene-0")),
            TestServer.TOKEN),
        400,
        "image '" + s.id("scene-0-small") + "' is not in the duplicate group of the keeper");
    assertTrue(Files.exists(s.files.get("scene-0")), "nothing moved");
    assertTrue(Files.exists(s.files.get("scene-0-small")), "nothing moved");
    TestClient.assertError(
        post(s, "/api/quarantine", body(s.id("scene-2"), 3f, s.id("scene-0")), TestServer.TOKEN),
        400,
        "'threshold'");
  }

  @Test
  void aTakenNameGetsAFreeOneAndNothingIsOverwritten() throws Exception {
    Path occupant = quarantine.resolve("scene-3.png");
    Files.createDirectories(quarantine);
    Files.writeString(occupant, "already here");
    Files.writeString(quarantine.resolve("scene-3 (1).png"), "this one too");
    byte[] bytes = s.bytes("scene-3");
    JsonNode moved = move(s.id("scene-2"), s.id("scene-3")).get("moves");
    assertEquals(quarantine.resolve("scene-3 (2).png").toString(), moved.get(0).get("to").asText());
    assertArrayEquals(bytes, Files.readAllBytes(quarantine.resolve("scene-3 (2).png")));
    assertEquals("already here", Files.readString(occupant));
    assertEquals("this one too", Files.readString(quarantine.resolve("scene-3 (1).png")));
  }

  @Test
  void aMissingFileFailsAloneAndTheOthersMove() throws Exception {
    Files.delete(s.files.get("scene-5"));
    JsonNode result = move(s.id("scene-4"), s.id("scene-5"), s.id("scene-6"), "not-an-id");
    assertEquals(1, result.get("moves").size());
    assertEquals(s.id("scene-6"), result.get("moves").get(0).get("id").asText());
    assertFalse(Files.exists(s.files.get("scene-6")));
    assertEquals(2, result.get("errors").size());
    assertEquals(s.id("scene-5"), result.get("errors").get(0).get("id").asText());
    assertTrue(result.get("errors").get(0).get("error").asText().contains("no longer there"));
    assertTrue(
        result
            .get("errors")
            .get(1)
            .get("error")
            .asText()
            .contains("no indexed image with id 'not-an-id'"));
    assertEquals(
        200, s.get("/api/search?id=" + s.id("scene-5")).statusCode(), "not moved: still indexed");
  }

  @Test
  void undoIsRefusedWhileSomethingOccupiesTheOriginalPath() throws Exception {
    Path original = s.files.get("scene-7");
    byte[] bytes = Files.readAllBytes(original);
    JsonNode moved = move(s.id("scene-4"), s.id("scene-7")).get("moves").get(0);
    Files.writeString(original, "a new file with the old name");
    TestClient.assertError(
        undo(moved.get("move_id").asText()), 409, "something now occupies the original path");
    assertEquals("a new file with the old name", Files.readString(original), "not overwritten");
    assertTrue(Files.exists(Path.of(moved.get("to").asText())), "still in quarantine");
    Files.delete(original);
    assertEquals(200, undo(moved.get("move_id").asText()).statusCode());
    assertArrayEquals(bytes, Files.readAllBytes(original));
  }

  @Test
  void theTokenIsRequiredAndBadBodiesAreRefused() throws Exception {
    String body =
        "{\"keep\": \"" + s.id("scene-2") + "\", \"move\": [\"" + s.id("scene-0") + "\"]}";
    TestClient.assertError(post(s, "/api/quarantine", body, null), 401, "missing");
    TestClient.assertError(post(s, "/api/quarantine", body, "wrong"), 401, "wrong token");
    TestClient.assertError(post(s, "/api/quarantine/x/undo", "", "wrong"), 401, "wrong token");
    assertTrue(Files.exists(s.files.get("scene-0")), "nothing moved");
    TestClient.assertError(
        post(s, "/api/quarantine", "not json", TestServer.TOKEN), 400, "must be JSON");
    TestClient.assertError(
        post(s, "/api/quarantine", "{\"move\": [\"a\"]}", TestServer.TOKEN), 400, "'keep'");
    TestClient.assertError(
        post(
            s,
            "/api/quarantine",
            "{\"keep\": \"" + s.id("scene-2") + "\", \"move\": []}",
            TestServer.TOKEN),
        400,
        "'move'");
    TestClient.assertError(
        post(
            s,
            "/api/quarantine",
            "{\"keep\": \"gone\", \"move\": [\"" + s.id("scene-0") + "\"]}",
            TestServer.TOKEN),
        404,
        "'gone'");
    assertTrue(Files.exists(s.files.get("scene-0")), "nothing moved");
  }

  @Test
  void withoutQuarantineTheRoutesSayHowToTurnThemOn(@TempDir Path other) throws Exception {
    try (TestServer plain =
        TestServer.start(other, TestServer.TOKEN, SearchServer.Options.DEFAULT_MAX_UPLOAD)) {
      String body =
          "{\"keep\": \""
              + plain.id("scene-2")
              + "\", \"move\": [\""
              + plain.id("scene-0")
              + "\"]}";
      TestClient.assertError(
          post(plain, "/api/quarantine", body, TestServer.TOKEN), 409, "--quarantine DIR");
      TestClient.assertError(
          post(plain, "/api/quarantine/x/undo", "", TestServer.TOKEN), 409, "--quarantine DIR");
      TestClient.assertError(
          plain.send(
              HttpRequest.newBuilder(plain.uri("/api/quarantine/log"))
                  .header("Authorization", "Bearer " + TestServer.TOKEN)),
          409,
          "--quarantine DIR");
      assertTrue(Files.exists(plain.files.get("scene-0")));
    }
  }
}
