package dss.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The search page in a real headless Chromium (Debian's chromium and chromium-driver): upload by the file input,
 * see results, click through, filter with the slider, open the duplicates view. The server's Content-Security-Policy
 * is in force: the browser's console must report no violation of it.
 */
class BrowserTest {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

  @TempDir static Path tmp;
  static TestServer s;
  static WebDriver browser;

  @BeforeAll static void start() throws Exception {
    Assumptions.assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
        "browser test skipped: needs " + CHROMIUM + " and " + CHROMEDRIVER + " (apt-get install chromium chromium-driver)");
    s = TestServer.start(tmp, null, SearchServer.Options.DEFAULT_MAX_UPLOAD);
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
        "--user-data-dir=" + Files.createDirectories(tmp.resolve("chromium-profile")), "--window-size=1200,900");
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL); // the console, where Chromium reports CSP violations
    options.setCapability("goog:loggingPrefs", logs);
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
        .usingAnyFreePort().build();
    browser = new ChromeDriver(service, options);
  }

  @AfterAll static void stop() throws Exception {
    if (browser != null) browser.quit();
    if (s != null) s.close();
  }

  @Test void uploadSeeResultsAndClickThrough() {
    browser.get("http://127.0.0.1:" + s.port() + "/");
    WebDriverWait wait = waiting();
    wait.until(d -> d.findElement(By.id("status")).getText().contains(s.files.size() + " images"));
    assertTrue(browser.findElement(By.id("status")).getText().contains("test-model"));

    // upload through the file input: the query's own file comes back first, at distance 0
    browser.findElement(By.id("file")).sendKeys(s.files.get("scene-2").toString());
    wait.until(d -> !results(d).isEmpty());
    assertEquals(s.id("scene-2"), results(browser).get(0).getAttribute("data-id"));
    assertEquals("0.000", results(browser).get(0).findElement(By.className("distance")).getText());
    assertTrue(browser.findElement(By.id("preview")).isDisplayed());
    assertEquals(s.files.size(), results(browser).size());
    wait.until(d -> (Boolean) ((JavascriptExecutor) d).executeScript(
        "const i = document.querySelector('#results img'); return i.complete && i.naturalWidth > 0;"));

    // the original opens by id
    String second = results(browser).get(1).getAttribute("data-id");
    assertTrue(results(browser).get(1).findElement(By.className("open")).getAttribute("href")
        .endsWith("/api/images/" + second));

    // click a result: it becomes the query, so it comes first
    results(browser).get(1).findElement(By.className("pick")).click();
    wait.until(d -> second.equals(results(d).get(0).getAttribute("data-id")));

    // the slider hides results farther than the chosen distance (0 keeps only exact matches)
    ((JavascriptExecutor) browser).executeScript(
        "const m = document.getElementById('max'); m.value = 0; m.dispatchEvent(new Event('input'));");
    wait.until(d -> results(d).size() < s.files.size());
    for (WebElement r : results(browser)) assertEquals(0.0, Double.parseDouble(r.getAttribute("data-distance")), 1e-3);

    // duplicates view: near-duplicates of the query, then the library's groups with the keeper marked
    browser.findElement(By.id("tab-dups")).click();
    wait.until(d -> !d.findElements(By.cssSelector("#near li")).isEmpty());
    assertFalse(browser.findElement(By.id("dups")).getAttribute("hidden") != null);
    browser.findElement(By.id("load-groups")).click();
    wait.until(d -> !d.findElements(By.cssSelector("#groups .keeper")).isEmpty());
    assertTrue(browser.findElement(By.id("groups-summary")).getText().contains("groups"));
    assertNoPolicyViolations();
  }

  @Test void enterInTheResultsFieldSearchesWithoutReloadingThePage() {
    browser.get("http://127.0.0.1:" + s.port() + "/");
    WebDriverWait wait = waiting();
    browser.findElement(By.id("file")).sendKeys(s.files.get("scene-4").toString());
    wait.until(d -> results(d).size() == s.files.size());
    JavascriptExecutor js = (JavascriptExecutor) browser;
    js.executeScript("window.notReloaded = true;");
    // Enter submits the form (its only text field): the page's script must keep the browser from loading "/?"
    browser.findElement(By.id("k")).sendKeys(Keys.chord(Keys.CONTROL, "a"), "3", Keys.ENTER);
    wait.until(d -> results(d).size() == 3);
    assertEquals(Boolean.TRUE, js.executeScript("return window.notReloaded === true;"), "the page was reloaded");
    assertEquals(s.id("scene-4"), results(browser).get(0).getAttribute("data-id"));
    assertNoPolicyViolations();
  }

  @Test void badUploadShowsTheServersMessage() throws Exception {
    browser.get("http://127.0.0.1:" + s.port() + "/");
    Path text = Files.writeString(tmp.resolve("notes.txt"), "not an image");
    browser.findElement(By.id("file")).sendKeys(text.toString());
    waiting().until(d -> d.findElement(By.id("error")).isDisplayed());
    assertTrue(browser.findElement(By.id("error")).getText().contains("field 'image' (notes.txt)"),
        browser.findElement(By.id("error")).getText());
    assertNoPolicyViolations();
  }

  /** What the console logged since the last call: nothing the Content-Security-Policy refused. */
  private static void assertNoPolicyViolations() {
    List<String> refused = browser.manage().logs().get(LogType.BROWSER).getAll().stream().map(LogEntry::getMessage)
        .filter(m -> m.contains("Content Security Policy")).toList();
    assertTrue(refused.isEmpty(), "refused by the page's Content-Security-Policy: " + refused);
  }

  /** Results are re-rendered as answers arrive: an element found a moment ago may be gone, so look again. */
  private static WebDriverWait waiting() {
    WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));
    wait.ignoring(StaleElementReferenceException.class);
    return wait;
  }

  private static List<WebElement> results(WebDriver d) {
    return d.findElements(By.cssSelector("#results li.result"));
  }
}
