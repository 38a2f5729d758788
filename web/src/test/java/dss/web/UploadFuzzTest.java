package dss.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Hostile request bodies against the upload endpoint's parsing, through the real server (in this
 * JVM, so the fuzzer sees the coverage of Jetty's multipart parser and ours): whatever the bytes,
 * the answer is a result or a JSON error with a client status, and the server keeps answering. The
 * normal run replays the checked-in corpus (resources/dss/web/UploadFuzzTestInputs/); {@code
 * JAZZER_FUZZ=1 ./dreamsim test -pl web -am -Dtest=UploadFuzzTest} fuzzes for twenty minutes.
 */
class UploadFuzzTest {
  /** The multipart boundary the fuzzed bodies are sent with (the corpus bodies use it). */
  static final String BOUNDARY = "fuzzboundary";

  private static final Set<Integer> ALLOWED = Set.of(200, 400, 413, 415, 503);
  private static Path tmp;
  private static TestServer server;

  @BeforeAll
  static void start() throws Exception {
    tmp = Files.createTempDirectory("upload-fuzz");
    server = TestServer.start(tmp, null, 1 << 20);
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
    org.apache.lucene.util.IOUtils.rm(tmp);
  }

  @FuzzTest(maxDuration = "20m")
  void multipartSearch(byte[] body) throws Exception {
    HttpResponse<byte[]> r =
        server.postRaw("/api/search?k=2", "multipart/form-data; boundary=" + BOUNDARY, body);
    assertTrue(
        ALLOWED.contains(r.statusCode()),
        r.statusCode() + ": " + new String(r.body(), StandardCharsets.UTF_8));
    if (r.statusCode() != 200) {
      assertTrue(
          new String(r.body(), StandardCharsets.UTF_8).startsWith("{\"error\":{"),
          new String(r.body(), StandardCharsets.UTF_8));
    }
    assertEquals(200, server.get("/api/health").statusCode(), "the server keeps answering");
  }
}
