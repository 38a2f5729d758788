package dss.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * {@code dreamsim doctor}: libheif's presence and version as the system's package manager knows it,
 * its absence when the lookup points at a library that does not exist, the JDK, the models and ONNX
 * Runtime.
 */
class DoctorCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void listsLibheifWithTheInstalledVersion() throws Exception {
    String installed = dpkgVersion("libheif1"); // e.g. 1.15.1-1+deb12u1
    Assumptions.assumeTrue(
        installed != null, "libheif1 not installed (apt-get install libheif1): skipped");
    Assumptions.assumeTrue(
        Runtime.version().feature() >= 22, "Java 21 binds no native library: skipped");
    CliRun run = CliRun.of("doctor", "--json");
    assertEquals(0, run.status(), run.err());
    JsonNode report = JSON.readTree(run.out());
    JsonNode heif = library(report, "libheif");
    assertTrue(heif.get("loaded").asBoolean(), heif.toString());
    assertTrue(
        installed.startsWith(heif.get("version").asText() + "-"),
        heif + " vs the package's " + installed);
    assertFalse(library(report, "libraw").get("used").asBoolean());
    assertEquals(Runtime.version().feature() >= 22, report.get("java").get("ffm").asBoolean());
    assertEquals(System.getProperty("java.vendor"), report.get("java").get("vendor").asText());
    JsonNode test = null;
    for (JsonNode f : report.get("models").get("files"))
      if (f.get("variant").asText().equals("test")) test = f;
    assertTrue(
        test != null && test.get("bytes").asLong() > 100_000, report.get("models").toString());
    assertTrue(
        report.get("onnxruntime").get("providers").toString().contains("CPU"), report.toString());
    assertTrue(report.get("onnxruntime").has("cuda"), report.toString());

    CliRun text = CliRun.of("doctor");
    assertEquals(0, text.status(), text.err());
    assertTrue(
        text.out()
            .lines()
            .anyMatch(l -> l.matches("libheif\\s+yes\\s+" + heif.get("version").asText())),
        text.out());
  }

  @Test
  void libheifIsAbsentWhenTheLookupFindsNothing() throws Exception {
    String saved = System.getProperty("dss.libheif");
    System.setProperty("dss.libheif", "libheif-does-not-exist.so.1");
    try {
      CliRun run = CliRun.of("doctor", "--json");
      assertEquals(0, run.status(), run.err());
      JsonNode heif = library(JSON.readTree(run.out()), "libheif");
      assertFalse(heif.get("loaded").asBoolean(), heif.toString());
      assertFalse(heif.has("version"), heif.toString());
      assertTrue(heif.get("cost_when_missing").asText().contains("HEIC"), heif.toString());
      assertEquals("apt-get install libheif1", heif.get("install").asText());
      CliRun text = CliRun.of("doctor");
      assertTrue(
          text.out()
              .lines()
              .anyMatch(
                  l ->
                      l.matches(
                          "libheif\\s+no\\s+without it: HEIC.*\\(apt-get install libheif1\\)")),
          text.out());
    } finally {
      if (saved == null) System.clearProperty("dss.libheif");
      else System.setProperty("dss.libheif", saved);
    }
  }

  private static JsonNode library(JsonNode report, String name) {
    for (JsonNode l : report.get("native_libraries"))
      if (l.get("name").asText().equals(name)) return l;
    throw new AssertionError("no " + name + " in " + report);
  }

  private static String dpkgVersion(String pkg) throws Exception {
    try {
      Process p = new ProcessBuilder("dpkg-query", "-W", "-f", "${Status} ${Version}", pkg).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      return p.waitFor() == 0 && out.startsWith("install ok installed ")
          ? out.substring(out.lastIndexOf(' ') + 1)
          : null;
    } catch (java.io.IOException e) { // not a Debian system
      return null;
    }
  }
}
