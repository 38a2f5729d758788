package dss.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import dss.client.ApiClient;
import dss.client.ApiException;
import dss.client.api.DefaultApi;
import dss.client.model.CheckReport;
import dss.client.model.Distance;
import dss.client.model.Groups;
import dss.client.model.GroupsGroupsInner;
import dss.client.model.GroupsGroupsInnerMembersInner;
import dss.client.model.Listing;
import dss.client.model.Result;
import dss.client.model.SearchResponse;
import dss.client.model.Stats;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The served OpenAPI document is usable by a generated client: the build generates a Java client
 * from openapi.json with openapi-generator (web/pom.xml), and this test calls a real server with
 * it. The client's JSON mapper refuses properties the document does not name, so an answer that
 * strays from the document fails here.
 */
class GeneratedClientTest {
  @TempDir static Path tmp;
  @RegisterExtension static final TestServers servers = TestServers.perClass();
  static TestServer s;
  static DefaultApi api; // sends the token
  static DefaultApi anonymous;

  @BeforeAll
  static void start() throws Exception {
    s = servers.builder(tmp).token(TestServer.TOKEN).start();
    api = client(TestServer.TOKEN);
    anonymous = client(null);
  }

  private static DefaultApi client(String token) {
    ApiClient client = new ApiClient();
    client.updateBaseUri("http://127.0.0.1:" + s.server.port());
    client.getObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    // the java.net.http flavour applies no security scheme itself: the bearer token goes here
    if (token != null)
      client.setRequestInterceptor(b -> b.header("Authorization", "Bearer " + token));
    return new DefaultApi(client);
  }

  @Test
  void searchByIdAndByUpload() throws Exception {
    SearchResponse byId = api.searchById(List.of(s.id("scene-2")), null, 5, null, null, null);
    assertEquals(5, byId.getResults().size());
    assertEquals(s.id("scene-2"), byId.getResults().get(0).getId());
    assertEquals(0, byId.getResults().get(0).getDistance().doubleValue(), 1e-3);

    SearchResponse byUpload =
        api.searchByUpload(s.files.get("scene-2").toFile(), 3, null, null, 50);
    assertEquals(3, byUpload.getResults().size());
    Result first = byUpload.getResults().get(0);
    assertEquals(s.id("scene-2"), first.getId());
    assertEquals(640, first.getWidth());
    assertEquals(s.files.get("scene-2").toString(), first.getPath());
    assertTrue(byUpload.getTimings().getModelMs().doubleValue() > 0);

    // candidates reaches the server: fewer than k is refused
    ApiException refused =
        assertThrows(
            ApiException.class,
            () -> api.searchById(List.of(s.id("scene-2")), null, 5, null, null, 2));
    assertEquals(400, refused.getCode());
    assertTrue(refused.getResponseBody().contains("candidates"), refused.getResponseBody());
  }

  @Test
  void theLibraryPageByPage() throws Exception {
    Set<String> seen = new HashSet<>();
    Listing page = api.listImages(null, 4, null, null, "path", null, null);
    assertEquals((long) s.files.size(), page.getTotal());
    List<String> order = new ArrayList<>();
    while (true) {
      for (Result image : page.getImages()) {
        assertTrue(seen.add(image.getId()), "listed twice: " + image.getId());
        order.add(image.getPath());
      }
      if (page.getNext() == null) break;
      page = api.listImages(null, 4, null, null, "path", page.getNext(), null);
    }
    assertEquals(
        Set.copyOf(s.files.values().stream().map(Path::toString).toList()), Set.copyOf(order));
    assertEquals(order.stream().sorted().toList(), order, "sorted by path");
  }

  @Test
  void distanceBetweenIndexedImagesAndUploads() throws Exception {
    Distance same = api.distanceById(s.id("scene-1"), s.id("scene-1-copy"));
    assertEquals(0, same.getDistance().doubleValue(), 1e-4);
    Distance apart = api.distanceById(s.id("scene-0"), s.id("scene-5"));
    assertTrue(apart.getDistance().doubleValue() > 0.01, "distinct scenes: " + apart);
    // both sides uploaded (the generated client sends every file part it has, so none is left out)
    Distance uploaded =
        api.distanceByUpload(
            null, null, s.files.get("scene-0").toFile(), s.files.get("scene-5").toFile());
    assertEquals(apart.getDistance().doubleValue(), uploaded.getDistance().doubleValue(), 1e-3);
  }

  @Test
  void duplicatesOfTheLibraryAndOfAnUpload() throws Exception {
    Groups groups = api.listDuplicateGroups(new BigDecimal("0.001"), null, null);
    List<String> pair = List.of(s.id("scene-1"), s.id("scene-1-copy")).stream().sorted().toList();
    boolean found = false;
    for (GroupsGroupsInner group : groups.getGroups()) {
      List<String> members =
          group.getMembers().stream().map(GroupsGroupsInnerMembersInner::getId).sorted().toList();
      found |= members.equals(pair);
    }
    assertTrue(found, "the byte-identical copy's group in " + groups);

    var near =
        api.findNearDuplicates(s.files.get("scene-1").toFile(), new BigDecimal("0.001"), null);
    assertEquals(pair, near.getResults().stream().map(Result::getId).sorted().toList());
  }

  @Test
  void theCheckSendsTheToken() throws Exception {
    CheckReport report = api.checkIndex(true);
    assertTrue(report.getHealthy());
    assertEquals("full", report.getLevel());
    assertEquals((long) s.files.size(), report.getDocuments());
    assertTrue(report.getDamage().isEmpty());
    assertEquals(
        401, assertThrows(ApiException.class, () -> anonymous.checkIndex(false)).getCode());
  }

  @Test
  void typedStats() throws Exception {
    Stats stats = api.getStats();
    assertEquals("test-model", stats.getModel().getName());
    assertEquals(1792, stats.getModel().getDimensions());
    assertNotNull(stats.getDevice());
  }
}
