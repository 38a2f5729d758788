package dss.web;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * Duplicate review in a real headless Chromium against a server started with a quarantine folder
 * and a write token: compare, change the keeper, move the others to quarantine (the file really
 * leaves the library folder) and undo (it really comes back), a wrong token refused, the log shown.
 */
class DuplicateReviewPageTest {
  @TempDir static Path tmp;
  static TestServer s;
  static Chromium chromium;
  static Path quarantine;

  @BeforeAll
  static void start() throws Exception {
    chromium = Chromium.start(tmp);
    quarantine = tmp.resolve("quarantine");
    s =
        TestServer.start(
            tmp, TestServer.TOKEN, SearchServer.Options.DEFAULT_MAX_UPLOAD, 0, quarantine);
  }

  @AfterAll
  static void stop() throws Exception {
    if (chromium != null) chromium.close();
    if (s != null) s.close();
  }

  private WebElement group(String memberId) {
    return chromium.all("#groups section.group").stream()
        .filter(g -> !g.findElements(By.cssSelector("li[data-id='" + memberId + "']")).isEmpty())
        .findFirst()
        .orElseThrow();
  }

  private WebElement member(String id) {
    return chromium.driver.findElement(By.cssSelector("#groups li[data-id='" + id + "']"));
  }

  /** Files under the quarantine folder with exactly these bytes. */
  private static List<Path> quarantined(byte[] bytes) throws Exception {
    if (!Files.isDirectory(quarantine)) return List.of();
    try (Stream<Path> files = Files.walk(quarantine)) {
      return files
          .filter(Files::isRegularFile)
          .filter(
              f -> {
                try {
                  return java.util.Arrays.equals(bytes, Files.readAllBytes(f));
                } catch (Exception e) {
                  return false;
                }
              })
          .toList();
    }
  }

  @Test
  void reviewChangeKeeperMoveToQuarantineAndUndo() throws Exception {
    String big = s.id("scene-0"), small = s.id("scene-0-small");
    Path bigFile = s.files.get("scene-0");
    byte[] bigBytes = Files.readAllBytes(bigFile);
    chromium.driver.get("http://127.0.0.1:" + s.port() + "/?duplicates");
    var wait = chromium.waiting();
    wait.until(d -> !chromium.all("#groups section.group").isEmpty());

    // the suggested keeper (the larger) comes first in its group and is marked
    List<String> members =
        group(big).findElements(By.cssSelector("li.card")).stream()
            .map(e -> e.getAttribute("data-id"))
            .toList();
    assertEquals(List.of(big, small), members);
    assertTrue(member(big).getAttribute("class").contains("keeper"));
    chromium.screenshots("duplicates-review");

    // compare side by side at full resolution: dimensions, size, path of each
    member(small).findElement(By.className("compare-open")).click();
    wait.until(d -> d.findElement(By.id("compare")).isDisplayed());
    wait.until(
        d ->
            (Boolean)
                chromium.js(
                    "return [...document.querySelectorAll('#compare img')].every((i) => i.complete && i.naturalWidth > 0);"));
    List<WebElement> figures = chromium.all("#compare figure");
    assertEquals(
        List.of(big, small), figures.stream().map(f -> f.getAttribute("data-id")).toList());
    assertEquals("640 × 480", figures.get(0).findElement(By.className("dimensions")).getText());
    assertEquals("320 × 240", figures.get(1).findElement(By.className("dimensions")).getText());
    assertEquals(
        640L, chromium.js("return document.querySelector('#compare figure img').naturalWidth;"));
    assertEquals(
        bigFile.toAbsolutePath().normalize().toString(),
        figures.get(0).findElement(By.className("path")).getText());
    assertTrue(figures.get(1).findElement(By.className("file-size")).getText().endsWith("KB"));
    chromium.screenshots("compare-review");

    // change the keeper to the small one (from the comparison), then move the big one to quarantine
    figures.get(1).findElement(By.className("keep-this")).click();
    wait.until(d -> member(small).getAttribute("class").contains("keeper"));
    assertFalse(member(big).getAttribute("class").contains("keeper"));
    group(big).findElement(By.className("quarantine")).click();

    // a wrong token is refused, said so, and nothing moves
    wait.until(d -> d.findElement(By.id("token-dialog")).isDisplayed());
    chromium.driver.findElement(By.id("token")).sendKeys("not-the-token");
    chromium.driver.findElement(By.id("token-ok")).click();
    wait.until(d -> d.findElement(By.id("token-error")).isDisplayed());
    assertTrue(
        chromium.driver.findElement(By.id("token-error")).getText().contains("wrong token"),
        chromium.driver.findElement(By.id("token-error")).getText());
    assertTrue(Files.exists(bigFile));
    assertEquals(List.of(), quarantined(bigBytes));

    // the right token: the big file leaves the library folder for the quarantine folder; the keeper
    // stays
    chromium.driver.findElement(By.id("token")).sendKeys(TestServer.TOKEN);
    chromium.driver.findElement(By.id("token-ok")).click();
    wait.until(d -> member(big).getAttribute("class").contains("moved"));
    assertFalse(Files.exists(bigFile), "still in the library: " + bigFile);
    assertEquals(1, quarantined(bigBytes).size());
    assertTrue(Files.exists(s.files.get("scene-0-small")));
    // kept for this tab only
    assertEquals(
        TestServer.TOKEN, chromium.js("return sessionStorage.getItem('dss-write-token');"));
    assertEquals(0L, chromium.js("return localStorage.length;"));
    chromium.screenshots("quarantined");

    // undo: the file is back where it was, byte for byte, and no token is asked again
    group(big).findElement(By.className("undo")).click();
    wait.until(d -> !member(big).getAttribute("class").contains("moved"));
    assertFalse(
        chromium.driver.findElement(By.id("token-dialog")).isDisplayed(),
        "the token was asked again");
    assertTrue(Files.exists(bigFile), "not moved back: " + bigFile);
    assertArrayEquals(bigBytes, Files.readAllBytes(bigFile));
    assertEquals(List.of(), quarantined(bigBytes));

    // the Quarantine view shows the move, and that it was undone
    chromium.driver.findElement(By.id("tab-quarantine")).click();
    wait.until(d -> !chromium.all("#log tbody tr").isEmpty());
    assertTrue(chromium.all("#log tbody tr").get(0).getAttribute("class").contains("undone"));
    assertTrue(
        chromium
            .driver
            .findElement(By.id("log"))
            .getText()
            .contains(bigFile.getFileName().toString()));
    // the export links: the decisions as CSV, the move and its undo
    String href = chromium.driver.findElement(By.id("export-csv")).getAttribute("href");
    String csv =
        new String(
            s.send(
                    java.net.http.HttpRequest.newBuilder(
                            s.uri(href.substring(href.indexOf("/api/"))))
                        .header("Authorization", "Bearer " + TestServer.TOKEN))
                .body(),
            java.nio.charset.StandardCharsets.UTF_8);
    assertTrue(csv.contains("move,") && csv.contains("undo,") && csv.contains(big), csv);
    chromium.assertNoPolicyViolations();
  }
}
