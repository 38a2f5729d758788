package dss.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

/**
 * The search page's upload search in a real headless Chromium: upload by the file input, see
 * results, click through, filter with the slider, open the duplicates view. The server's
 * Content-Security-Policy is in force: the browser's console must report no violation of it. (The
 * library tool's other views: {@link PageTest}, {@link DuplicateReviewPageTest}.)
 */
class BrowserTest {
  @TempDir static Path tmp;
  static TestServer s;
  static Chromium chromium;
  static WebDriver browser;

  @BeforeAll
  static void start() throws Exception {
    chromium = Chromium.start(tmp);
    browser = chromium.driver;
    s = TestServer.start(tmp, null, SearchServer.Options.DEFAULT_MAX_UPLOAD);
  }

  @AfterAll
  static void stop() throws Exception {
    if (chromium != null) chromium.close();
    if (s != null) s.close();
  }

  @Test
  void uploadSeeResultsAndClickThrough() {
    browser.get("http://127.0.0.1:" + s.port() + "/");
    var wait = chromium.waiting();
    wait.until(d -> d.findElement(By.id("status")).getText().contains(s.files.size() + " images"));
    assertTrue(browser.findElement(By.id("status")).getText().contains("test-model"));

    // upload through the file input: the query's own file comes back first, at distance 0
    browser.findElement(By.id("file")).sendKeys(s.files.get("scene-2").toString());
    wait.until(d -> !results(d).isEmpty());
    assertEquals(s.id("scene-2"), results(browser).get(0).getAttribute("data-id"));
    assertEquals("0.000", results(browser).get(0).findElement(By.className("distance")).getText());
    assertTrue(browser.findElement(By.id("preview")).isDisplayed());
    assertEquals(s.files.size(), results(browser).size());
    wait.until(
        d ->
            (Boolean)
                chromium.js(
                    "const i = document.querySelector('#results img'); return i.complete && i.naturalWidth > 0;"));

    // the original opens by id
    String second = results(browser).get(1).getAttribute("data-id");
    assertTrue(
        results(browser)
            .get(1)
            .findElement(By.className("open"))
            .getAttribute("href")
            .endsWith("/api/images/" + second));

    // click a result: the viewer opens on it; "Find similar" makes it the query, so it comes first
    results(browser).get(1).findElement(By.className("pick")).click();
    wait.until(d -> d.findElement(By.id("viewer")).isDisplayed());
    browser.findElement(By.id("viewer-similar")).click();
    wait.until(d -> second.equals(results(d).get(0).getAttribute("data-id")));

    // the slider hides results farther than the chosen distance (0 keeps only exact matches)
    chromium.js(
        "const m = document.getElementById('max'); m.value = 0; m.dispatchEvent(new Event('input'));");
    wait.until(d -> results(d).size() < s.files.size());
    for (WebElement r : results(browser))
      assertEquals(0.0, Double.parseDouble(r.getAttribute("data-distance")), 1e-3);

    // duplicates view: the library's groups with the keeper marked
    browser.findElement(By.id("tab-dups")).click();
    wait.until(d -> !d.findElements(By.cssSelector("#groups .keeper")).isEmpty());
    assertTrue(browser.findElement(By.id("groups-summary")).getText().contains("groups"));
    chromium.assertNoPolicyViolations();
  }

  @Test
  void enterInTheResultsFieldSearchesWithoutReloadingThePage() {
    browser.get("http://127.0.0.1:" + s.port() + "/");
    var wait = chromium.waiting();
    browser.findElement(By.id("file")).sendKeys(s.files.get("scene-4").toString());
    wait.until(d -> results(d).size() == s.files.size());
    chromium.js("window.notReloaded = true;");
    // Enter submits the form (its only text field): the page's script must keep the browser from
    // loading "/?"
    browser.findElement(By.id("k")).sendKeys(Keys.chord(Keys.CONTROL, "a"), "3", Keys.ENTER);
    wait.until(d -> results(d).size() == 3);
    assertEquals(
        Boolean.TRUE, chromium.js("return window.notReloaded === true;"), "the page was reloaded");
    assertEquals(s.id("scene-4"), results(browser).get(0).getAttribute("data-id"));
    chromium.assertNoPolicyViolations();
  }

  @Test
  void badUploadShowsTheServersMessage() throws Exception {
    browser.get("http://127.0.0.1:" + s.port() + "/");
    Path text = Files.writeString(tmp.resolve("notes.txt"), "not an image");
    browser.findElement(By.id("file")).sendKeys(text.toString());
    chromium.waiting().until(d -> d.findElement(By.id("error")).isDisplayed());
    assertTrue(
        browser.findElement(By.id("error")).getText().contains("field 'image' (notes.txt)"),
        browser.findElement(By.id("error")).getText());
    chromium.assertNoPolicyViolations();
  }

  private static List<WebElement> results(WebDriver d) {
    return d.findElements(By.cssSelector("#results li.result"));
  }
}
