package dss.web;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The duplicate review's decisions in a real headless Chromium against real servers (token and
 * quarantine folder): a chosen keeper kept in the URL with the distances measured to it, "Not
 * duplicates" kept by the server across a restart and undone, quarantined members without broken
 * links, the Quarantine view's Undo after a reload, "Resolve all shown" with its one Undo, and the
 * comparison opening below its group with the focus returned on Close.
 */
class DuplicateDecisionsPageTest {
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

  private TestServer start(Path tmp) throws Exception {
    return servers
        .builder(tmp)
        .token(TestServer.TOKEN)
        .quarantine(tmp.resolve("quarantine"))
        .start();
  }

  private void open(TestServer s, String pathAndQuery) {
    chromium.openFresh("http://127.0.0.1:" + s.port() + pathAndQuery);
    // a fresh tab state: the token is asked once per test, where the test expects it
    chromium.js("sessionStorage.clear();");
  }

  private WebElement group(String memberId) {
    return chromium.all("#groups section.group").stream()
        .filter(g -> !g.findElements(By.cssSelector("li[data-id='" + memberId + "']")).isEmpty())
        .findFirst()
        .orElseThrow();
  }

  private boolean hasGroup(String memberId) {
    return chromium.all("#groups li[data-id='" + memberId + "']").size() > 0;
  }

  private WebElement member(String id) {
    return chromium.driver.findElement(By.cssSelector("#groups li[data-id='" + id + "']"));
  }

  private void giveToken() {
    var wait = chromium.waiting();
    wait.until(d -> d.findElement(By.id("token-dialog")).isDisplayed());
    chromium.driver.findElement(By.id("token")).sendKeys(TestServer.TOKEN);
    chromium.driver.findElement(By.id("token-ok")).click();
  }

  private static double distance(TestServer s, String a, String b) throws Exception {
    return TestServer.json(s.get("/api/distance?a=" + a + "&b=" + b)).get("distance").asDouble();
  }

  @Test
  void aChosenKeeperIsKeptInTheUrlAndTheDistancesAreToIt(@TempDir Path tmp) throws Exception {
    TestServer s = start(tmp);
    // a third copy of scene 0 at another size, added through the API: a group of three, where the
    // distances to one member differ from those to another
    var added =
        s.post(
            "/api/images",
            TestClient.multipart(
                "image",
                TestImages.encode(
                    TestImages.resized(TestImages.scene(0, 640, 480), 480, 360), "png"),
                "path",
                "scene-0-mid.png"),
            "Authorization",
            "Bearer " + TestServer.TOKEN);
    assertEquals(
        201, added.statusCode(), new String(added.body(), java.nio.charset.StandardCharsets.UTF_8));
    String mid = TestServer.json(added).get("id").asText();
    String big = s.id("scene-0"), small = s.id("scene-0-small");
    double toBig = distance(s, big, mid), toSmall = distance(s, small, mid);
    Assumptions.assumeTrue(
        Math.abs(toBig - toSmall) > 1e-4, "the copies are equally far apart: nothing to tell");

    open(s, "/?duplicates");
    var wait = chromium.waiting();
    wait.until(d -> hasGroup(big));
    assertEquals(3, group(big).findElements(By.cssSelector("li.card")).size());
    assertTrue(member(big).getAttribute("class").contains("keeper"));
    assertEquals(toBig, Double.parseDouble(member(mid).getAttribute("data-distance")), 1e-6);

    // keep the small one: the URL says so, and the mid copy's distance is now to the small one
    member(small).findElement(By.className("keep")).click();
    wait.until(d -> chromium.location().contains("keep=" + small));
    wait.until(
        d -> {
          String shown = member(mid).getAttribute("data-distance");
          return shown != null && Math.abs(Double.parseDouble(shown) - toSmall) < 1e-6;
        });
    assertEquals(
        distance(s, small, big),
        Double.parseDouble(member(big).getAttribute("data-distance")),
        1e-6);

    // a reload keeps the choice and its distances
    chromium.driver.navigate().refresh();
    wait.until(d -> hasGroup(big));
    wait.until(d -> member(small).getAttribute("class").contains("keeper"));
    wait.until(
        d -> {
          String shown = member(mid).getAttribute("data-distance");
          return shown != null && Math.abs(Double.parseDouble(shown) - toSmall) < 1e-6;
        });
    // every card shows resolution, file size and folder
    WebElement facts = member(mid).findElement(By.className("facts-line"));
    assertEquals("480×360", facts.findElement(By.className("fact-res")).getText());
    assertTrue(facts.findElement(By.className("fact-size")).getText().endsWith("KB"));
    chromium.screenshots("duplicates");
    chromium.assertNoConsoleErrors();
  }

  @Test
  void compareOpensBelowItsGroupAndCloseReturnsTheFocus(@TempDir Path tmp) throws Exception {
    TestServer s = start(tmp);
    String big = s.id("scene-0"), small = s.id("scene-0-small");
    open(s, "/?duplicates");
    var wait = chromium.waiting();
    wait.until(d -> hasGroup(big));
    WebElement opener = member(small).findElement(By.className("compare-open"));
    opener.click();
    wait.until(d -> d.findElement(By.id("compare")).isDisplayed());
    // inside its group's section, below the group's cards
    assertEquals(
        Boolean.TRUE,
        chromium.js(
            "const c = document.getElementById('compare'); const g = c.closest('section.group');"
                + "return g !== null && g.querySelector('li[data-id=\"' + arguments[0] + '\"]') !== null"
                + " && c.getBoundingClientRect().top >= g.querySelector('ol').getBoundingClientRect().bottom;",
            small));
    wait.until(
        d ->
            (Boolean)
                chromium.js(
                    "return [...document.querySelectorAll('#compare img')].every((i) => i.complete && i.naturalWidth > 0);"));
    chromium.screenshots("compare");
    chromium.driver.findElement(By.id("compare-close")).click();
    wait.until(d -> !d.findElement(By.id("compare")).isDisplayed());
    assertEquals(
        Boolean.TRUE,
        chromium.js(
            "return document.activeElement.classList.contains('compare-open')"
                + " && document.activeElement.closest('li').dataset.id === arguments[0];",
            small));
    chromium.assertNoConsoleErrors();
  }

  @Test
  void quarantinedMembersHaveNoBrokenLinksAndTheQuarantineViewUndoesAfterAReload(@TempDir Path tmp)
      throws Exception {
    TestServer s = start(tmp);
    String one = s.id("scene-1"), copy = s.id("scene-1-copy");
    open(s, "/?duplicates");
    var wait = chromium.waiting();
    wait.until(d -> hasGroup(one));
    String keeper = group(one).findElement(By.cssSelector("li.keeper")).getAttribute("data-id");
    String moved = keeper.equals(one) ? copy : one;
    Path movedFile = s.files.get(moved.equals(one) ? "scene-1" : "scene-1-copy");
    byte[] bytes = Files.readAllBytes(movedFile);
    group(one).findElement(By.className("quarantine")).click();
    giveToken();
    wait.until(d -> member(moved).getAttribute("class").contains("moved"));
    assertFalse(Files.exists(movedFile));
    // shown as in quarantine: no thumbnail address, no link to the original, no compare
    WebElement card = member(moved);
    assertTrue(card.findElements(By.cssSelector("a.open")).isEmpty());
    assertTrue(card.findElements(By.className("compare-open")).isEmpty());
    assertEquals(null, card.findElement(By.tagName("img")).getAttribute("src"));
    assertTrue(card.getText().contains("in quarantine"));

    // a reload: the Quarantine view still offers the move's Undo (the server's log)
    chromium.driver.navigate().refresh();
    wait.until(d -> d.findElement(By.id("tab-quarantine")).isDisplayed());
    chromium.driver.findElement(By.id("tab-quarantine")).click();
    wait.until(d -> chromium.location().equals("/?quarantine"));
    wait.until(d -> !chromium.all("#log tr[data-id='" + moved + "'] button.undo").isEmpty());
    chromium.driver.navigate().refresh();
    wait.until(d -> !chromium.all("#log tr[data-id='" + moved + "'] button.undo").isEmpty());
    chromium.screenshots("quarantine");
    chromium
        .driver
        .findElement(By.cssSelector("#log tr[data-id='" + moved + "'] button.undo"))
        .click();
    // the tab's token outlived the reloads (sessionStorage): Undo asks for none
    wait.until(
        d ->
            chromium
                .all("#log tr[data-id='" + moved + "']")
                .get(0)
                .getAttribute("class")
                .contains("undone"));
    assertTrue(Files.exists(movedFile), "not moved back: " + movedFile);
    assertArrayEquals(bytes, Files.readAllBytes(movedFile));
    chromium.assertNoConsoleErrors();
  }

  @Test
  void resolveAllShownWithOneConfirmationAndOneUndo(@TempDir Path tmp) throws Exception {
    TestServer s = start(tmp);
    open(s, "/?duplicates");
    var wait = chromium.waiting();
    wait.until(d -> !chromium.all("#groups section.group").isEmpty());
    int groups = chromium.all("#groups section.group").size();
    List<String> others =
        chromium.all("#groups li.card:not(.keeper)").stream()
            .map(e -> e.getAttribute("data-id"))
            .toList();
    assertTrue(groups >= 2 && others.size() >= groups, "groups " + groups + ", others " + others);
    List<Path> files =
        s.files.values().stream()
            .filter(
                f ->
                    others.contains(
                        dss.index.ImageRecord.idFor(f.toAbsolutePath().normalize().toString())))
            .toList();
    assertEquals(others.size(), files.size());

    chromium.driver.findElement(By.id("resolve-all")).click();
    var confirm = chromium.driver.switchTo().alert();
    assertTrue(
        confirm.getText().contains(others.size() + " images of " + groups + " groups"),
        confirm.getText());
    confirm.accept();
    giveToken();
    wait.until(d -> d.findElement(By.id("resolve-undo")).isDisplayed());
    for (Path f : files) assertFalse(Files.exists(f), "still in the library: " + f);
    assertEquals(others.size(), chromium.all("#groups li.moved").size());

    chromium.driver.findElement(By.id("resolve-undo")).click();
    wait.until(d -> !d.findElement(By.id("resolve-undo")).isDisplayed());
    for (Path f : files) assertTrue(Files.exists(f), "not moved back: " + f);
    assertEquals(0, chromium.all("#groups li.moved").size());
    chromium.assertNoConsoleErrors();
  }

  @Test
  void notDuplicatesIsKeptAcrossARestartAndUndone(@TempDir Path tmp) throws Exception {
    TestServer first = start(tmp);
    String one = first.id("scene-1"), copy = first.id("scene-1-copy");
    int port = first.port();
    open(first, "/?duplicates");
    var wait = chromium.waiting();
    wait.until(d -> hasGroup(one));
    group(one).findElement(By.className("dismiss")).click();
    giveToken();
    wait.until(d -> !hasGroup(one));
    JsonNode kept = TestServer.json(first.get("/api/duplicates/dismissals")).get("dismissals");
    assertEquals(1, kept.size());

    chromium.assertNoConsoleErrors();
    // the server restarts on the same index and port: the decision holds
    first.close();
    TestServer second =
        servers
            .builder(tmp)
            .withoutFixtures()
            .token(TestServer.TOKEN)
            .quarantine(tmp.resolve("quarantine"))
            .port(port)
            .start();
    chromium.driver.navigate().refresh();
    wait.until(d -> !chromium.all("#groups section.group").isEmpty());
    assertFalse(hasGroup(one) || hasGroup(copy), "the dismissed group came back");
    wait.until(d -> d.findElement(By.id("dismissals-count")).getText().equals("1"));

    // undone from the list of decisions: the group is back
    chromium.driver.findElement(By.cssSelector("#dismissals summary")).click();
    // the tab's token outlived the reload (sessionStorage): Undo asks for none
    chromium.driver.findElement(By.cssSelector("#dismissals-list button.dismissal-undo")).click();
    wait.until(d -> hasGroup(one));
    assertEquals(
        0, TestServer.json(second.get("/api/duplicates/dismissals")).get("dismissals").size());
    // thumbnails the old page still asked for while no server ran are refused, nothing else
    chromium.assertNoConsoleErrors("net::ERR_CONNECTION_REFUSED");
  }
}
