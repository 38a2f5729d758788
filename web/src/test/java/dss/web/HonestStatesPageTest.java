package dss.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * What the page shows matches what the server can do, in a real headless Chromium against real
 * servers: a server without a token shows no write controls and never asks for one; the grid takes
 * in images added while it is open; a stopped server is said so in plain words and the page
 * recovers by itself when it is started again; a hidden tab stops polling.
 */
class HonestStatesPageTest {
  @TempDir static Path browserDir;
  static Chromium chromium;
  @RegisterExtension final TestServers servers = new TestServers();

  @BeforeAll
  static void startBrowser() throws Exception {
    chromium = Chromium.start(browserDir);
  }

  @AfterAll
  static void stopBrowser() {
    if (chromium != null) chromium.close();
  }

  private void open(TestServer s, String pathAndQuery) {
    chromium.openFresh("http://127.0.0.1:" + s.port() + pathAndQuery);
  }

  @Test
  void aServerWithoutATokenShowsNoWriteControls(@TempDir Path tmp) throws Exception {
    TestServer s = servers.builder(tmp).start(); // no --token, no --quarantine
    open(s, "/?duplicates");
    var wait = chromium.waiting();
    wait.until(d -> !chromium.all("#groups section.group").isEmpty());
    wait.until(d -> d.findElement(By.id("write-note")).isDisplayed());
    for (String css :
        new String[] {
          "#groups .quarantine",
          "#groups .dismiss",
          "#resolve-all",
          "#dismissals",
          "#tab-quarantine"
        }) {
      for (WebElement e : chromium.all(css))
        assertFalse(e.isDisplayed(), css + " is offered by a server that takes no writes");
    }
    assertTrue(
        chromium.driver.findElement(By.id("status")).getText().contains("view only"),
        chromium.driver.findElement(By.id("status")).getText());
    // keys and clicks anywhere never bring up the token dialog
    chromium.all("#groups .pick").get(0).click();
    chromium.waiting().until(d -> d.findElement(By.id("viewer")).isDisplayed());
    assertFalse(chromium.driver.findElement(By.id("token-dialog")).isDisplayed());
    chromium.screenshots("read-only");
    chromium.assertNoConsoleErrors();
  }

  @Test
  void theGridTakesInImagesAddedWhileItIsOpen(@TempDir Path tmp) throws Exception {
    TestServer s = servers.builder(tmp).token(TestServer.TOKEN).start();
    open(s, "/?sort=path");
    var wait = chromium.waiting();
    wait.until(d -> chromium.all("#library li.card").size() == s.files.size());
    chromium.js("window.sameDocument = true;");
    var added =
        s.post(
            "/api/images",
            TestClient.multipart(
                "image",
                TestImages.encode(TestImages.scene(42, 320, 240), "png"),
                "path",
                "new.png"),
            "Authorization",
            "Bearer " + TestServer.TOKEN);
    assertEquals(201, added.statusCode(), new String(added.body(), StandardCharsets.UTF_8));
    String id = TestServer.json(added).get("id").asText();
    wait.until(d -> !chromium.all("#library li[data-id='" + id + "']").isEmpty());
    assertEquals(s.files.size() + 1, chromium.all("#library li.card").size());
    assertEquals(
        Boolean.TRUE, chromium.js("return window.sameDocument === true;"), "the page reloaded");
    chromium.assertNoConsoleErrors();
  }

  @Test
  void aStoppedServerIsSaidPlainlyAndThePageRecoversWhenItIsBack(@TempDir Path tmp)
      throws Exception {
    TestServer first = servers.builder(tmp).start();
    int port = first.port();
    open(first, "/?sort=path");
    var wait = chromium.waiting();
    wait.until(d -> chromium.all("#library li.card").size() == first.files.size());
    chromium.js("window.sameDocument = true;");
    first.close();

    // the next thing asked of the server fails: said in plain words, no "Failed to fetch"
    chromium.driver.findElement(By.id("tab-dups")).click();
    wait.until(d -> d.findElement(By.id("error")).isDisplayed());
    String error = chromium.driver.findElement(By.id("error")).getText();
    assertTrue(error.contains("cannot be reached"), error);
    assertFalse(error.contains("Failed to fetch"), error);
    wait.until(d -> d.findElement(By.id("status")).getText().contains("unreachable"));
    chromium.screenshots("offline");

    // the server comes back on the same index and port: the error goes and the view fills by itself
    servers.builder(tmp).withoutFixtures().port(port).start();
    wait.until(d -> !d.findElement(By.id("error")).isDisplayed());
    wait.until(d -> !chromium.all("#groups section.group").isEmpty());
    assertEquals(
        Boolean.TRUE, chromium.js("return window.sameDocument === true;"), "the page reloaded");
    chromium.assertNoConsoleErrors("ERR_CONNECTION_REFUSED");
  }

  /** How many times the server answered /api/stats, from its own metrics. */
  private static long statsRequests(TestServer s) throws Exception {
    String metrics = new String(s.get("/metrics").body(), StandardCharsets.UTF_8);
    Matcher m =
        Pattern.compile("dss_http_requests_total\\{[^}]*route=\"/api/stats\"[^}]*\\} ([0-9.eE+]+)")
            .matcher(metrics);
    double total = 0;
    while (m.find()) total += Double.parseDouble(m.group(1));
    return (long) total;
  }

  @Test
  void aHiddenTabStopsPolling(@TempDir Path tmp) throws Exception {
    TestServer s = servers.builder(tmp).start();
    open(s, "/?sort=path");
    var wait = chromium.waiting();
    wait.until(d -> chromium.all("#library li.card").size() == s.files.size());
    // the tab goes to the background (as the browser reports it to the page)
    chromium.js(
        "Object.defineProperty(document, 'hidden', {value: true, configurable: true});"
            + "document.dispatchEvent(new Event('visibilitychange'));");
    Thread.sleep(1000); // a poll already on its way when the tab was hidden is counted first
    long before = statsRequests(s);
    // three polling periods with the tab hidden: not one request (a wait for an absence; no timing
    // is
    // asserted)
    Thread.sleep(9000);
    assertEquals(before, statsRequests(s), "polled while hidden");
    chromium.js(
        "Object.defineProperty(document, 'hidden', {value: false, configurable: true});"
            + "document.dispatchEvent(new Event('visibilitychange'));");
    wait.until(
        d -> {
          try {
            return statsRequests(s) > before;
          } catch (Exception e) {
            return false;
          }
        });
  }
}
