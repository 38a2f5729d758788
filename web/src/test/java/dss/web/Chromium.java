package dss.web;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A real headless Chromium (Debian's chromium and chromium-driver) for the page's tests, with the
 * console captured (where Chromium reports Content-Security-Policy violations) and screenshots at
 * desktop and phone sizes.
 */
final class Chromium implements AutoCloseable {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

  /**
   * Where the test run leaves its screenshots (relative to the module, as Maven runs the tests).
   */
  static final Path SCREENSHOTS = Path.of("target", "screenshots");

  final ChromeDriver driver;

  private Chromium(ChromeDriver driver) {
    this.driver = driver;
  }

  /** Skips the calling test class (not fails) when the browser is not installed. */
  static Chromium start(Path tmp) throws IOException {
    Assumptions.assumeTrue(
        Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
        "browser test skipped: needs "
            + CHROMIUM
            + " and "
            + CHROMEDRIVER
            + " (apt-get install chromium chromium-driver)");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--user-data-dir=" + Files.createDirectories(tmp.resolve("chromium-profile")),
        "--window-size=1280,800");
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(CHROMEDRIVER.toFile())
            .usingAnyFreePort()
            .build();
    return new Chromium(new ChromeDriver(service, options));
  }

  /**
   * Pages re-render as answers arrive: an element found a moment ago may be gone, and a list may be
   * empty for a moment between a view's clearing and its answer, so look again.
   */
  WebDriverWait waiting() {
    WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(30));
    wait.ignoring(StaleElementReferenceException.class);
    wait.ignoring(IndexOutOfBoundsException.class);
    return wait;
  }

  /**
   * Opens {@code url} with an empty console: what an earlier page logged (its polls of a server
   * since stopped, say) is read and dropped first, on a blank page.
   */
  void openFresh(String url) {
    driver.get("about:blank");
    driver.manage().logs().get(LogType.BROWSER).getAll();
    driver.get(url);
  }

  Object js(String script, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(script, args);
  }

  /** The path and query of the page's current URL, e.g. "/?similar=abc". */
  String location() {
    return (String) js("return location.pathname + location.search;");
  }

  List<WebElement> all(String css) {
    return driver.findElements(By.cssSelector(css));
  }

  /** The data-id of each element matching {@code css}, in page order. */
  List<String> ids(String css) {
    return all(css).stream().map(e -> e.getAttribute("data-id")).toList();
  }

  /**
   * What the console logged since the last call: nothing the Content-Security-Policy refused, no
   * script error.
   */
  void assertNoPolicyViolations() {
    List<String> refused =
        driver.manage().logs().get(LogType.BROWSER).getAll().stream()
            .map(LogEntry::getMessage)
            .filter(m -> m.contains("Content Security Policy") || m.contains("Uncaught"))
            .toList();
    assertTrue(
        refused.isEmpty(),
        "refused by the page's Content-Security-Policy, or a script error: " + refused);
  }

  /**
   * Nothing at all in the console since the last call at level SEVERE (a failed request, a missing
   * favicon, a script error), except messages containing one of {@code expected} (a test that stops
   * the server expects the refused connections it causes).
   */
  void assertNoConsoleErrors(String... expected) {
    List<String> errors =
        driver.manage().logs().get(LogType.BROWSER).getAll().stream()
            .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
            .map(LogEntry::getMessage)
            .filter(m -> java.util.Arrays.stream(expected).noneMatch(m::contains))
            .toList();
    assertTrue(errors.isEmpty(), "console errors: " + errors);
  }

  /**
   * Screenshots of what the page shows now, at a desktop (1280x800) and a phone (390x844) viewport,
   * as target/screenshots/page-NAME-desktop.png and -phone.png; each waits until the images in view
   * have loaded.
   */
  void screenshots(String name) throws IOException {
    Files.createDirectories(SCREENSHOTS);
    for (var size :
        List.of(
            new Object[] {"desktop", 1280, 800, false}, new Object[] {"phone", 390, 844, true})) {
      driver.executeCdpCommand(
          "Emulation.setDeviceMetricsOverride",
          Map.of("width", size[1], "height", size[2], "deviceScaleFactor", 1, "mobile", size[3]));
      waiting()
          .until(
              d ->
                  (Boolean)
                      js(
                          "return [...document.images].filter((i) => {"
                              + " const r = i.getBoundingClientRect(); return r.bottom > 0 && r.top < innerHeight && r.width > 0; })"
                              + ".every((i) => i.complete);"));
      Files.write(
          SCREENSHOTS.resolve("page-" + name + "-" + size[0] + ".png"),
          driver.getScreenshotAs(OutputType.BYTES));
    }
    driver.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
  }

  /** The same at the desktop size with the system's dark colour scheme. */
  void darkScreenshot(String name) throws IOException {
    driver.executeCdpCommand(
        "Emulation.setEmulatedMedia",
        Map.of("features", List.of(Map.of("name", "prefers-color-scheme", "value", "dark"))));
    driver.executeCdpCommand(
        "Emulation.setDeviceMetricsOverride",
        Map.of("width", 1280, "height", 800, "deviceScaleFactor", 1, "mobile", false));
    try {
      Files.createDirectories(SCREENSHOTS);
      Files.write(
          SCREENSHOTS.resolve("page-" + name + "-dark.png"),
          driver.getScreenshotAs(OutputType.BYTES));
    } finally {
      driver.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("features", List.of()));
      driver.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
    }
  }

  @Override
  public void close() {
    driver.quit();
  }
}
