package dss.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dss.model.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --exact}: an index records the preprocessing that built it, refuses the other one, and a
 * search by image preprocesses the query as the index's images were. The library holds an
 * EXIF-rotated photo, whose vector differs between the two preprocessings.
 */
class ExactOptionTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;
  Path lib, rotated;
  String index;

  @BeforeEach
  void library() throws Exception {
    lib = tmp.resolve("lib");
    index = tmp.resolve("index").toString();
    IndexCommandTest.image(lib.resolve("a.png"), 1);
    IndexCommandTest.image(lib.resolve("b.png"), 2);
    rotated =
        Files.copy(
            TestModels.root().resolve("engine/src/test/resources/images/exif/orientation-6.jpg"),
            lib.resolve("rotated.jpg"));
  }

  private CliRun index(String... extra) {
    String[] args = new String[extra.length + 6];
    System.arraycopy(
        new String[] {"index", "--index", index, "--model", "test", "--threads=1"}, 0, args, 0, 6);
    System.arraycopy(extra, 0, args, 6, extra.length);
    String[] all = java.util.Arrays.copyOf(args, args.length + 1);
    all[args.length] = lib.toString();
    return CliRun.of(all);
  }

  @Test
  void anExactIndexRefusesTheDefaultAndSearchFollowsIt() throws Exception {
    CliRun first = index("--exact");
    assertEquals(0, first.status(), first.err());
    assertEquals(3, JSON.readTree(first.out()).get("added").asInt());

    CliRun mixed = index();
    assertEquals(1, mixed.status());
    assertTrue(
        mixed
                .err()
                .contains(
                    "index "
                        + Path.of(index).toAbsolutePath()
                        + " was built with the exact "
                        + "preprocessing (full-size JPEG decoding, no EXIF rotation) but the default preprocessing (fast JPEG "
                        + "decoding, EXIF rotation applied) was asked for")
            && mixed.err().contains("(add --exact, or choose another" + " index with --index)"),
        mixed.err());

    assertEquals(0, index("--exact").status(), "the same preprocessing: fine");

    // no --exact: the query is preprocessed as the index's images were, so the photo finds itself
    // at distance 0
    CliRun search =
        CliRun.of("search", "--index", index, "-k", "1", "--threads=1", rotated.toString());
    assertEquals(0, search.status(), search.err());
    JsonNode hit = JSON.readTree(search.out()).get("results").get(0);
    assertEquals(rotated.toAbsolutePath().toString(), hit.get("path").asText());
    assertEquals(0.0, hit.get("distance").asDouble(), 1e-4);
  }

  @Test
  void serveSearchesUploadsWithTheIndexsPreprocessing() throws Exception {
    assertEquals(0, index("--exact").status());
    // no --exact given to serve: an upload of the rotated photo still finds it at distance 0
    try (ServeProcess server =
            ServeProcess.start(
                tmp.resolve("serve.log"),
                "--index",
                index,
                "--model",
                "test",
                "--threads=1",
                "--port",
                "0",
                "--read-only");
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient()) {
      String url = JSON.readTree(server.firstLine).get("url").asText();
      var response =
          http.send(
              java.net.http.HttpRequest.newBuilder(java.net.URI.create(url + "api/search?k=1"))
                  .header("Content-Type", "image/jpeg")
                  .POST(java.net.http.HttpRequest.BodyPublishers.ofFile(rotated))
                  .build(),
              java.net.http.HttpResponse.BodyHandlers.ofString());
      assertEquals(200, response.statusCode(), response.body());
      JsonNode hit = JSON.readTree(response.body()).get("results").get(0);
      assertEquals(rotated.toAbsolutePath().toString(), hit.get("path").asText(), response.body());
      assertEquals(0.0, hit.get("distance").asDouble(), 1e-4, response.body());
    }
  }

  @Test
  void aDefaultIndexRefusesExactAndTheVectorsDiffer() throws Exception {
    assertEquals(0, index().status());
    CliRun mixed = index("--exact");
    assertEquals(1, mixed.status());
    assertTrue(
        mixed
                .err()
                .contains(
                    "was built with the default preprocessing (fast JPEG decoding, EXIF rotation "
                        + "applied) but the exact preprocessing")
            && mixed.err().contains("drop --exact (and DREAMSIM_EXACT)"),
        mixed.err());

    // the two preprocessings give the rotated photo different vectors (which is why they are not
    // mixed)
    CliRun upright = CliRun.of("embed", "--model", "test", "--threads=1", rotated.toString());
    CliRun exact =
        CliRun.of("embed", "--model", "test", "--threads=1", "--exact", rotated.toString());
    assertEquals(0, upright.status(), upright.err());
    assertEquals(0, exact.status(), exact.err());
    JsonNode a = JSON.readTree(upright.out()).get("embedding"),
        b = JSON.readTree(exact.out()).get("embedding");
    double dot = 0;
    for (int i = 0; i < a.size(); i++) dot += a.get(i).asDouble() * b.get(i).asDouble();
    assertTrue(1 - dot > 1e-3, "distance between the two preprocessings: " + (1 - dot));
  }

  @Test
  void exactFromTheEnvironmentOrTheConfigFile() throws Exception {
    Path config = Files.writeString(tmp.resolve("c.properties"), "exact=yes\n");
    EmbedCommand fromFile = parse(Map.of(), config);
    assertTrue(fromFile.modelOptions.exact);
    assertTrue(parse(Map.of("DREAMSIM_EXACT", "1"), null).modelOptions.exact);
    assertTrue(
        !parse(Map.of("DREAMSIM_EXACT", "0"), config).modelOptions.exact, "the environment wins");
    assertTrue(parse(Map.of("DREAMSIM_OFFLINE", "1"), null).modelOptions.offline);
    assertEquals("/opt/py", parse(Map.of("DREAMSIM_PYTHON", "/opt/py"), null).modelOptions.python);
  }

  private static EmbedCommand parse(Map<String, String> env, Path config) throws Exception {
    var parsed = Main.commandLine(new Settings(env, config)).parseArgs("embed", "x.jpg");
    return parsed.subcommand().commandSpec().commandLine().getCommand();
  }
}
