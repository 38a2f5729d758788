package dss.web;

import static dss.web.TestServer.json;
import static dss.web.TestServer.multipart;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dss.index.ImageIndex;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Explain ({@code GET/POST /api/distance} with per-branch distances from the test model's
 * three-branch layout) and refine ({@code GET /api/search} with repeated {@code id} and {@code
 * not_id}) on a real server over real images. Expected figures are computed here from the stored
 * vectors, by the formula the docs give.
 */
class ExplainAndRefineTest {
  @TempDir static java.nio.file.Path tmp;
  static TestServer s;
  static Map<String, float[]> vectors = new HashMap<>();

  @BeforeAll
  static void start() throws Exception {
    s = TestServer.start(tmp, TestServer.TOKEN, SearchServer.Options.DEFAULT_MAX_UPLOAD);
    try (ImageIndex.Snapshot snapshot = s.index.snapshot()) {
      for (String name : s.files.keySet())
        vectors.put(s.id(name), snapshot.vector(s.id(name)).orElseThrow());
    }
  }

  @AfterAll
  static void stop() throws Exception {
    s.close();
  }

  static double cosine(float[] a, float[] b, int from, int to) {
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int i = from; i < to; i++) {
      dot += a[i] * b[i];
      na += a[i] * a[i];
      nb += b[i] * b[i];
    }
    return dot / Math.sqrt(na * nb);
  }

  @Test
  void distanceByIdsHasTheTotalAndEachBranch() throws Exception {
    String a = s.id("scene-0");
    String b = s.id("scene-3");
    JsonNode body = json(s.get("/api/distance?a=" + a + "&b=" + b));
    float[] va = vectors.get(a);
    float[] vb = vectors.get(b);
    assertEquals(1 - cosine(va, vb, 0, 1792), body.get("distance").asDouble(), 1e-4);
    JsonNode branches = body.get("branches");
    int[][] ranges = {{0, 768}, {768, 1280}, {1280, 1792}};
    String[] names = {"dino_vitb16", "clip_vitb16", "open_clip_vitb16"};
    assertEquals(3, branches.size());
    for (int i = 0; i < 3; i++) {
      JsonNode branch = branches.get(i);
      assertEquals(names[i], branch.get("name").asText());
      assertEquals(ranges[i][0], branch.get("from").asInt());
      assertEquals(ranges[i][1], branch.get("to").asInt());
      assertFalse(branch.get("about").asText().isBlank());
      assertEquals(
          1 - cosine(va, vb, ranges[i][0], ranges[i][1]), branch.get("distance").asDouble(), 1e-4);
    }
    JsonNode self = json(s.get("/api/distance?a=" + a + "&b=" + a));
    assertEquals(0, self.get("distance").asDouble(), 1e-5);
  }

  @Test
  void distanceOfUploadsHasBranchesToo() throws Exception {
    HttpResponse<byte[]> response =
        s.post("/api/distance", multipart("a", s.bytes("scene-0"), "b", s.bytes("scene-0-small")));
    assertEquals(200, response.statusCode(), new String(response.body(), StandardCharsets.UTF_8));
    JsonNode body = json(response);
    assertEquals(3, body.get("branches").size());
    float[] va = vectors.get(s.id("scene-0"));
    float[] vb = vectors.get(s.id("scene-0-small"));
    // the uploads are the indexed files: the same vectors (one pipeline)
    assertEquals(
        1 - cosine(va, vb, 768, 1280),
        body.get("branches").get(1).get("distance").asDouble(),
        1e-4);
  }

  @Test
  void anUploadIsExplainedAgainstAnIndexedImage() throws Exception {
    String b = s.id("scene-4");
    HttpResponse<byte[]> response =
        s.post("/api/distance?b=" + b, multipart("a", s.bytes("scene-0")));
    assertEquals(200, response.statusCode(), new String(response.body(), StandardCharsets.UTF_8));
    JsonNode body = json(response);
    float[] va = vectors.get(s.id("scene-0")); // the upload is the indexed file: the same vector
    float[] vb = vectors.get(b);
    assertEquals(1 - cosine(va, vb, 0, 1792), body.get("distance").asDouble(), 1e-4);
    assertEquals(
        1 - cosine(va, vb, 1280, 1792),
        body.get("branches").get(2).get("distance").asDouble(),
        1e-4);
    TestClient.assertError(
        s.post("/api/distance?b=unknown-id", multipart("a", s.bytes("scene-0"))),
        404,
        "'unknown-id'");
    TestClient.assertError(
        s.post("/api/distance?b=" + b, multipart("image", s.bytes("scene-0"))),
        400,
        "multipart field 'a' is missing");
  }

  @Test
  void distanceErrorsNameTheParameter() throws Exception {
    TestClient.assertError(s.get("/api/distance?a=" + s.id("scene-0")), 400, "query parameter 'b'");
    TestClient.assertError(s.get("/api/distance?b=" + s.id("scene-0")), 400, "query parameter 'a'");
    TestClient.assertError(s.get("/api/distance?a=" + s.id("scene-0") + "&b=nope"), 404, "'nope'");
  }

  static List<String> ids(JsonNode body) {
    List<String> ids = new ArrayList<>();
    body.get("results").forEach(r -> ids.add(r.get("id").asText()));
    return ids;
  }

  /**
   * A negative example moves images like it down: every pair whose order flips has the one more
   * like the negative now below (and at least one pair flips); the examples are left out.
   */
  @Test
  void aNegativeExampleMovesImagesLikeItDown() throws Exception {
    String positive = s.id("scene-2");
    List<String> before = ids(json(s.get("/api/search?k=20&id=" + positive)));
    assertEquals(positive, before.get(0), "one id alone: today's search, the image itself first");
    String negative = before.get(1);
    List<String> after =
        ids(json(s.get("/api/search?k=20&id=" + positive + "&not_id=" + negative)));
    assertFalse(
        after.contains(positive) || after.contains(negative), "examples are left out: " + after);
    assertEquals(s.files.size() - 2, after.size());
    float[] n = vectors.get(negative);
    int flips = 0;
    for (int i = 0; i < after.size(); i++) {
      for (int j = i + 1; j < after.size(); j++) {
        String up = after.get(i);
        String down = after.get(j);
        if (before.indexOf(down) < before.indexOf(up)) { // was above, now below
          flips++;
          assertTrue(
              cosine(vectors.get(down), n, 0, 1792) > cosine(vectors.get(up), n, 0, 1792),
              "moved below without being more like the negative: " + down + " vs " + up);
        }
      }
    }
    assertTrue(flips > 0, "the negative example changed nothing: " + before + " / " + after);
  }

  @Test
  void twoPositivesFindWhatIsLikeBoth() throws Exception {
    String a = s.id("scene-1");
    String b = s.id("scene-5");
    List<String> results = ids(json(s.get("/api/search?k=3&id=" + a + "&id=" + b)));
    assertEquals(3, results.size());
    assertFalse(results.contains(a) || results.contains(b));
    // the best is the image with the largest cos(a, x) + cos(b, x), the direction of a + b
    String best = null;
    double bestScore = -9;
    for (var e : vectors.entrySet()) {
      if (e.getKey().equals(a) || e.getKey().equals(b)) continue;
      double score =
          cosine(vectors.get(a), e.getValue(), 0, 1792)
              + cosine(vectors.get(b), e.getValue(), 0, 1792);
      if (score > bestScore) {
        bestScore = score;
        best = e.getKey();
      }
    }
    assertEquals(best, results.get(0));
  }

  @Test
  void refineErrors() throws Exception {
    TestClient.assertError(
        s.get("/api/search?not_id=" + s.id("scene-1")), 400, "query parameter 'id' is required");
    TestClient.assertError(
        s.get("/api/search?id=" + s.id("scene-1") + "&not_id=missing-one"), 404, "'missing-one'");
    TestClient.assertError(s.get("/api/search?id=" + s.id("scene-1") + "&id=gone"), 404, "'gone'");
  }
}
