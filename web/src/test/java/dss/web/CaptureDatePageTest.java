package dss.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dss.index.ImageRecord;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The library by capture date in a real headless Chromium: two real camera files (Canon EOS 40D,
 * Nikon D70, from the engine's capture test files) and JPEGs given EXIF DateTimeOriginal and a
 * camera here byte by byte, in folders by year, indexed by the server's background indexer; the
 * grid's month headers and order, the viewer's capture date and camera, and the folder tree with
 * its counts.
 */
class CaptureDatePageTest {
  @TempDir static Path tmp;
  static TestServer s;
  static Chromium chromium;
  static Path photos;
  static String may1, may20, december, undated, canon, nikon;

  /** A real camera file from the engine's test files, copied into the library. */
  private static String copy(String name, String relative) throws java.io.IOException {
    Path file =
        TestImages.write(
            photos.resolve(relative),
            java.nio.file.Files.readAllBytes(
                dss.model.TestModels.root().resolve("engine/src/test/resources/capture/" + name)));
    return ImageRecord.idFor(file.toAbsolutePath().normalize().toString());
  }

  private static String write(String relative, int scene, String taken, String make, String model) {
    byte[] jpeg = TestImages.encode(TestImages.scene(scene, 320, 240), "jpeg");
    if (taken != null) jpeg = TestImages.withExif(jpeg, taken, make, model);
    Path file = TestImages.write(photos.resolve(relative), jpeg);
    return ImageRecord.idFor(file.toAbsolutePath().normalize().toString());
  }

  @BeforeAll
  static void start() throws Exception {
    chromium = Chromium.start(tmp);
    photos = tmp.resolve("photos");
    may1 = write("2019/may-1.jpg", 1, "2019:05:01 10:00:00", "Canon", "Canon EOS 5D");
    may20 = write("2019/may-20.jpg", 2, "2019:05:20 18:30:00", "Canon", "Canon EOS 5D");
    december = write("2021/christmas.jpg", 3, "2021:12:24 20:00:00", "Apple", "iPhone 12");
    undated = write("scans/old.jpg", 4, null, null, null);
    canon = copy("Canon_40D.jpg", "2008/Canon_40D.jpg"); // 2008:05:30 15:56:01
    nikon = copy("Nikon_D70.jpg", "2008/Nikon_D70.jpg"); // 2008:03:15 09:52:01
    s = new TestServer.Builder(tmp).withoutFixtures().backgroundLibrary(List.of(photos)).start();
    s.awaitBackgroundRun();
  }

  @AfterAll
  static void stop() throws Exception {
    if (chromium != null) chromium.close();
    if (s != null) s.close();
  }

  private List<String> headers() {
    return chromium.all("#library li.date-head").stream().map(WebElement::getText).toList();
  }

  @Test
  void theGridIsByCaptureDateWithMonthHeaders() throws Exception {
    chromium.openFresh("http://127.0.0.1:" + s.port() + "/");
    var wait = chromium.waiting();
    wait.until(d -> chromium.all("#library li.card").size() == 6);
    assertEquals(
        List.of(december, may20, may1, canon, nikon, undated), chromium.ids("#library li.card"));
    assertEquals(
        List.of("December 2021", "May 2019", "May 2008", "March 2008", "No capture date"),
        headers());
    chromium.screenshots("dates");

    chromium.driver.findElement(By.cssSelector("#sort option[value='taken_oldest']")).click();
    wait.until(d -> chromium.location().contains("sort=taken_oldest"));
    wait.until(
        d ->
            chromium
                .ids("#library li.card")
                .equals(List.of(nikon, canon, may1, may20, december, undated)));
    assertEquals(
        List.of("March 2008", "May 2008", "May 2019", "December 2021", "No capture date"),
        headers());

    // the viewer: the capture date as the file states it (no time-zone shift), and the camera
    chromium
        .driver
        .findElement(By.cssSelector("#library li[data-id='" + may20 + "'] .pick"))
        .click();
    wait.until(d -> d.findElement(By.id("viewer")).isDisplayed());
    String taken = chromium.driver.findElement(By.className("fact-taken")).getText();
    assertTrue(taken.contains("2019") && taken.contains("May") && taken.contains("6:30"), taken);
    assertEquals(
        "Canon Canon EOS 5D", chromium.driver.findElement(By.className("fact-camera")).getText());
    assertEquals(
        "2019",
        chromium.driver.findElement(By.className("fact-folder")).getText().replaceAll("/$", ""));
    // the real Canon file: the camera as it wrote itself
    chromium.driver.get("http://127.0.0.1:" + s.port() + "/?sort=taken_oldest&view=" + canon);
    wait.until(d -> d.findElement(By.id("viewer")).isDisplayed());
    wait.until(d -> d.findElement(By.id("viewer-title")).getText().equals("Canon_40D.jpg"));
    assertEquals(
        "Canon Canon EOS 40D", chromium.driver.findElement(By.className("fact-camera")).getText());
    assertTrue(chromium.driver.findElement(By.className("fact-taken")).getText().contains("2008"));
    chromium.assertNoConsoleErrors();
  }

  @Test
  void theFolderTreeFiltersTheGrid() throws Exception {
    chromium.openFresh("http://127.0.0.1:" + s.port() + "/");
    var wait = chromium.waiting();
    wait.until(d -> chromium.all("#library li.card").size() == 6);
    chromium.driver.findElement(By.id("folders-toggle")).click();
    wait.until(d -> !chromium.all("#folder-tree button.folder").isEmpty());
    WebElement year =
        chromium.all("#folder-tree button.folder").stream()
            .filter(b -> b.getText().startsWith("2019"))
            .findFirst()
            .orElseThrow();
    assertEquals("2", year.findElement(By.className("count")).getText());
    // the root counts the whole library
    assertEquals(
        "6",
        chromium
            .all("#folder-tree button.folder")
            .get(0)
            .findElement(By.className("count"))
            .getText());
    year.click();
    wait.until(d -> chromium.ids("#library li.card").equals(List.of(may20, may1)));
    assertTrue(chromium.location().contains("folder="), chromium.location());
    chromium.screenshots("folders");
    chromium.assertNoConsoleErrors();
  }
}
