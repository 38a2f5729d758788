package dss.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;

/**
 * The page as a photo-library tool, in a real headless Chromium against a real server and the test
 * model: browse and page, click-through similar with the URL and the back button, upload and paste,
 * explain, refine, region search, keyboard. Each test leaves screenshots of its view in
 * target/screenshots.
 */
class PageTest {
  @TempDir static Path tmp;
  static TestServer s;
  static Chromium chromium;

  @BeforeAll
  static void start() throws Exception {
    chromium = Chromium.start(tmp);
    s = TestServer.start(tmp, TestServer.TOKEN, SearchServer.Options.DEFAULT_MAX_UPLOAD);
  }

  @AfterAll
  static void stop() throws Exception {
    if (chromium != null) chromium.close();
    if (s != null) s.close();
  }

  private void open(String pathAndQuery) {
    chromium.driver.get("http://127.0.0.1:" + s.port() + pathAndQuery);
  }

  private List<String> library() {
    return chromium.ids("#library li.card");
  }

  private List<String> results() {
    return chromium.ids("#results li.result");
  }

  private WebElement result(String id) {
    return chromium.driver.findElement(By.cssSelector("#results li.result[data-id='" + id + "']"));
  }

  @Test
  void browseSortsPagesAndFiltersByFolder() throws Exception {
    open("/?sort=path&page_size=4");
    var wait = chromium.waiting();
    wait.until(d -> library().size() == 4);
    // by path: the library's files in path order, four a page (three pages for eleven files)
    List<String> byPath =
        s.files.values().stream()
            .map(p -> p.toAbsolutePath().normalize().toString())
            .sorted()
            .map(dss.index.ImageRecord::idFor)
            .toList();
    assertEquals(byPath.subList(0, 4), library());
    assertTrue(
        chromium
            .driver
            .findElement(By.id("browse-summary"))
            .getText()
            .contains("of " + s.files.size()),
        chromium.driver.findElement(By.id("browse-summary")).getText());
    assertEquals("Page 1 of 3", chromium.driver.findElement(By.id("page-info")).getText());

    chromium.driver.findElement(By.id("next")).click();
    wait.until(d -> chromium.location().contains("page=2"));
    assertTrue(
        chromium.location().contains("after="),
        "the next page is asked by cursor: " + chromium.location());
    wait.until(d -> byPath.subList(4, 8).equals(library()));
    chromium.driver.navigate().back();
    wait.until(d -> byPath.subList(0, 4).equals(library()));
    assertFalse(chromium.location().contains("page="));

    // a folder from the library's folder tree (no path to type): only the two files under sub/,
    // with its count, and the folder in the URL relative to the library (so a reload keeps it)
    chromium.driver.findElement(By.id("folders-toggle")).click();
    wait.until(d -> !chromium.all("#folder-tree button.folder[data-folder='sub']").isEmpty());
    WebElement sub =
        chromium.driver.findElement(
            By.cssSelector("#folder-tree button.folder[data-folder='sub']"));
    assertEquals("2", sub.findElement(By.className("count")).getText());
    sub.click();
    wait.until(d -> library().size() == 2);
    assertEquals(List.of(s.id("scene-0-small"), s.id("scene-1-copy")), library());
    assertTrue(chromium.location().contains("folder=sub"), chromium.location());
    assertEquals("sub", chromium.driver.findElement(By.id("folder-name")).getText());
    chromium.screenshots("folders-sub");
    chromium.driver.navigate().refresh();
    wait.until(d -> library().size() == 2);
    // "All folders" goes back to the whole library
    chromium.driver.findElement(By.id("folder-clear")).click();
    wait.until(d -> library().size() == 4);

    // newest file first: modification times never increase down the page
    open("/?sort=newest&page_size=20");
    wait.until(d -> library().size() == s.files.size());
    List<Long> times = new ArrayList<>();
    for (String id : library()) {
      Path file =
          s.files.values().stream()
              .filter(
                  p ->
                      dss.index.ImageRecord.idFor(p.toAbsolutePath().normalize().toString())
                          .equals(id))
              .findFirst()
              .orElseThrow();
      times.add(
          java.nio.file.Files.getLastModifiedTime(file).toMillis()
              / 1000); // seconds: the index may keep no finer time
    }
    List<Long> sorted = new ArrayList<>(times);
    sorted.sort(Comparator.reverseOrder());
    assertEquals(sorted, times);
    chromium.screenshots("browse");
    chromium.darkScreenshot("browse");
    chromium.assertNoPolicyViolations();
  }

  @Test
  void clickThroughToSimilarChangesTheUrlAndBackReturns() throws Exception {
    open("/?sort=path");
    var wait = chromium.waiting();
    wait.until(d -> library().size() == s.files.size());
    String first = s.id("scene-3");
    chromium
        .driver
        .findElement(By.cssSelector("#library li[data-id='" + first + "'] .pick"))
        .click();
    // a click opens the viewer; its "Find similar" searches (the viewer leaves no history entry)
    wait.until(d -> chromium.location().equals("/?sort=path&view=" + first));
    wait.until(d -> d.findElement(By.id("viewer")).isDisplayed());
    chromium.driver.findElement(By.id("viewer-similar")).click();
    wait.until(d -> chromium.location().equals("/?similar=" + first));
    wait.until(d -> !results().isEmpty() && results().get(0).equals(first));
    assertEquals("0.000", result(first).findElement(By.className("distance")).getText());
    wait.until(d -> d.findElement(By.id("query-label")).getText().contains("scene-3.png"));
    assertTrue(chromium.driver.findElement(By.id("upload-note")).getAttribute("hidden") != null);
    chromium.screenshots("similar");

    String second = results().get(1);
    // results open the same viewer, within the results' URL
    result(second).findElement(By.className("pick")).click();
    wait.until(d -> chromium.location().equals("/?similar=" + first + "&view=" + second));
    wait.until(d -> d.findElement(By.id("viewer")).isDisplayed());
    chromium.driver.findElement(By.id("viewer-similar")).click();
    wait.until(d -> chromium.location().equals("/?similar=" + second));
    wait.until(d -> results().get(0).equals(second));

    // back: the first query again, then the library; forward: the first query
    chromium.driver.navigate().back();
    wait.until(d -> chromium.location().equals("/?similar=" + first));
    wait.until(d -> results().get(0).equals(first));
    chromium.driver.navigate().back();
    wait.until(d -> chromium.location().equals("/?sort=path"));
    wait.until(d -> chromium.driver.findElement(By.id("browse")).isDisplayed());
    chromium.driver.navigate().forward();
    wait.until(d -> !results().isEmpty() && results().get(0).equals(first));

    // a shared link opens straight on the query
    open("/?similar=" + second + "&k=3");
    wait.until(d -> results().size() == 3 && results().get(0).equals(second));
    chromium.assertNoPolicyViolations();
  }

  @Test
  void keyboardArrowsEnterAndEscape() {
    open("/?sort=path");
    var wait = chromium.waiting();
    wait.until(d -> library().size() == s.files.size());
    List<WebElement> picks = chromium.all("#library .pick");
    picks.get(0).sendKeys(Keys.ARROW_RIGHT);
    String second = library().get(1);
    String third = library().get(2);
    assertEquals(second, chromium.js("return document.activeElement.closest('li').dataset.id;"));
    // Enter opens the viewer; → steps to the next photo of the grid; Esc closes it and the focus is
    // on the card of the photo last shown
    chromium.driver.switchTo().activeElement().sendKeys(Keys.ENTER);
    wait.until(d -> chromium.location().equals("/?sort=path&view=" + second));
    wait.until(d -> d.findElement(By.id("viewer")).isDisplayed());
    chromium.driver.switchTo().activeElement().sendKeys(Keys.ARROW_RIGHT);
    wait.until(d -> chromium.location().equals("/?sort=path&view=" + third));
    chromium.driver.switchTo().activeElement().sendKeys(Keys.ESCAPE);
    wait.until(d -> chromium.location().equals("/?sort=path"));
    wait.until(d -> !d.findElement(By.id("viewer")).isDisplayed());
    assertEquals(third, chromium.js("return document.activeElement.closest('li').dataset.id;"));
    chromium.all("#library .pick").get(0).sendKeys(Keys.ARROW_RIGHT);
    chromium.driver.switchTo().activeElement().sendKeys(Keys.ENTER);
    wait.until(d -> d.findElement(By.id("viewer")).isDisplayed());
    chromium.driver.findElement(By.id("viewer-similar")).click();
    wait.until(d -> chromium.location().equals("/?similar=" + second));
    wait.until(d -> !results().isEmpty() && results().get(0).equals(second));
    // the focus lands on the results, so the arrows go on working there
    wait.until(
        d ->
            chromium
                .js("return document.activeElement.closest('#results') !== null;")
                .equals(Boolean.TRUE));
    chromium.driver.switchTo().activeElement().sendKeys(Keys.ESCAPE);
    wait.until(d -> chromium.location().equals("/?sort=path"));
    // the focus is back where it was: on the photo the search started from
    wait.until(
        d ->
            second.equals(
                chromium.js(
                    "const a = document.activeElement.closest('li'); return a && a.dataset.id;")));
    // visible focus: the focused thumbnail has an outline
    chromium.all("#library .pick").get(0).sendKeys(Keys.ARROW_RIGHT);
    assertNotEquals(
        "none", chromium.js("return getComputedStyle(document.activeElement).outlineStyle;"));
  }

  @Test
  void uploadSaysItIsNotInTheUrlAndOffersTheIndexedCopy() throws Exception {
    open("/");
    var wait = chromium.waiting();
    chromium.driver.findElement(By.id("file")).sendKeys(s.files.get("scene-5").toString());
    wait.until(d -> chromium.location().equals("/?upload"));
    wait.until(d -> !results().isEmpty());
    assertEquals(s.id("scene-5"), results().get(0));
    assertTrue(chromium.driver.findElement(By.id("upload-note")).isDisplayed());
    assertTrue(
        chromium
            .driver
            .findElement(By.id("upload-note"))
            .getText()
            .contains("cannot be kept in a link"));
    WebElement useIndexed = chromium.driver.findElement(By.id("use-indexed"));
    wait.until(d -> useIndexed.isDisplayed());
    // "already in my library?": as many near-duplicates as the API's duplicate check finds for the
    // same file
    int near =
        TestClient.json(
                s.post(
                    "/api/duplicates?threshold=0.1",
                    TestClient.multipart("image", s.bytes("scene-5"))))
            .get("results")
            .size();
    assertTrue(near >= 1);
    assertTrue(
        chromium.driver.findElement(By.id("near-note")).getText().contains(near + " indexed image"),
        chromium.driver.findElement(By.id("near-note")).getText());
    chromium.screenshots("upload");

    // explain works for an upload too (the page sends both files): the same branches as for the
    // indexed copy
    String other = results().get(1);
    result(other).findElement(By.className("explain-toggle")).click();
    wait.until(d -> result(other).findElements(By.cssSelector(".explain .branch")).size() == 3);
    JsonNode byId = TestClient.json(s.get("/api/distance?a=" + s.id("scene-5") + "&b=" + other));
    for (int i = 0; i < 3; i++) {
      WebElement row = result(other).findElements(By.cssSelector(".explain .branch")).get(i);
      assertEquals(byId.get("branches").get(i).get("name").asText(), row.getAttribute("data-name"));
      assertEquals(
          byId.get("branches").get(i).get("distance").asDouble(),
          Double.parseDouble(row.findElement(By.className("branch-distance")).getText()),
          0.01);
    }

    // a region of the upload: cropped in the page and searched as an upload; the URL stays an
    // upload's
    chromium.driver.findElement(By.id("region")).click();
    WebElement layer = chromium.driver.findElement(By.id("crop-layer"));
    chromium.js(
        "arguments[0].scrollIntoView({block: 'center'});", layer); // pointer actions do not scroll
    int w = layer.getSize().getWidth(), h = layer.getSize().getHeight();
    new Actions(chromium.driver)
        .moveToElement(layer, -w / 4, -h / 4)
        .clickAndHold()
        .moveByOffset(w / 2, h / 2)
        .release()
        .perform();
    chromium.driver.findElement(By.id("region-search")).click();
    wait.until(d -> chromium.location().startsWith("/?upload&region="));
    wait.until(
        d ->
            d.findElement(By.id("query-label"))
                .getText()
                .startsWith("A region of a photo from this device"));
    wait.until(
        d ->
            !results().isEmpty()
                && Double.parseDouble(result(results().get(0)).getAttribute("data-distance"))
                    > 0.0005);
    chromium.driver.navigate().back();
    wait.until(d -> chromium.location().equals("/?upload"));
    wait.until(d -> !results().isEmpty() && results().get(0).equals(s.id("scene-5")));
    assertEquals("0.000", result(s.id("scene-5")).findElement(By.className("distance")).getText());
    wait.until(d -> useIndexed.isDisplayed());
    useIndexed.click();
    wait.until(d -> chromium.location().equals("/?similar=" + s.id("scene-5")));

    // a reload of an upload's URL cannot bring the photo back, and says so
    open("/?upload");
    wait.until(d -> d.findElement(By.id("error")).isDisplayed());
    assertTrue(
        chromium.driver.findElement(By.id("error")).getText().contains("cannot be kept in a link"));
    chromium.assertNoPolicyViolations();
  }

  @Test
  void pasteOrDropAnImageSearchesByIt() throws Exception {
    open("/");
    var wait = chromium.waiting();
    wait.until(d -> d.findElement(By.id("browse")).isDisplayed());
    // a real paste event carrying a PNG made here (not one of the library's files): the nearest is
    // what it was made from
    BufferedImage shifted = TestImages.resized(TestImages.scene(6, 640, 480), 500, 375);
    String base64 = Base64.getEncoder().encodeToString(TestImages.encode(shifted, "png"));
    chromium.js(
        "const bytes = Uint8Array.from(atob(arguments[0]), (c) => c.charCodeAt(0));"
            + "const data = new DataTransfer(); data.items.add(new File([bytes], 'clip.png', {type: 'image/png'}));"
            + "document.dispatchEvent(new ClipboardEvent('paste', {clipboardData: data, bubbles: true}));",
        base64);
    wait.until(d -> chromium.location().equals("/?upload"));
    wait.until(d -> !results().isEmpty());
    JsonNode expected =
        TestClient.json(
            s.post(
                "/api/search?k=20",
                TestClient.multipart("image", TestImages.encode(shifted, "png"))));
    assertEquals(TestClient.ids(expected.get("results")), results());
    assertTrue(chromium.driver.findElement(By.id("query-label")).getText().contains("clip.png"));

    // a file dropped anywhere on the page: a real drop event with a library file's bytes; it comes
    // first at 0
    String dropped = Base64.getEncoder().encodeToString(s.bytes("scene-7"));
    chromium.js(
        "const bytes = Uint8Array.from(atob(arguments[0]), (c) => c.charCodeAt(0));"
            + "const data = new DataTransfer(); data.items.add(new File([bytes], 'dropped.png', {type: 'image/png'}));"
            + "document.getElementById('results').dispatchEvent(new DragEvent('drop', {dataTransfer: data, bubbles: true, cancelable: true}));",
        dropped);
    wait.until(d -> d.findElement(By.id("query-label")).getText().contains("dropped.png"));
    wait.until(d -> !results().isEmpty() && results().get(0).equals(s.id("scene-7")));
    chromium.assertNoPolicyViolations();
  }

  @Test
  void explainShowsPerBranchDistances() throws Exception {
    String query = s.id("scene-2");
    open("/?similar=" + query);
    var wait = chromium.waiting();
    wait.until(d -> results().size() > 2);
    String other = results().get(2);
    WebElement card = result(other);
    card.findElement(By.className("explain-toggle")).click();
    wait.until(
        d ->
            !result(other).findElements(By.cssSelector(".explain .branch")).isEmpty()
                || result(other)
                    .findElement(By.className("explain"))
                    .getText()
                    .startsWith("Could not"));
    List<WebElement> branches = result(other).findElements(By.cssSelector(".explain .branch"));
    // the test model's manifest records three branches; each row names one, with its distance and
    // its sentence
    List<String> names = new ArrayList<>();
    TestClient.JSON
        .readTree(dss.model.TestModels.root().resolve("models/test/test-model.json").toFile())
        .get("branches")
        .forEach(b -> names.add(b.get("name").asText()));
    assertEquals(3, names.size());
    assertEquals(names, branches.stream().map(b -> b.getAttribute("data-name")).toList());
    for (WebElement b : branches) {
      double d = Double.parseDouble(b.findElement(By.className("branch-distance")).getText());
      assertTrue(d >= 0 && d <= 2, "branch distance " + d);
      assertFalse(b.findElement(By.className("about")).getText().isBlank());
    }
    // the total is the result's own distance
    String total = result(other).findElement(By.cssSelector(".explain .total")).getText();
    assertTrue(
        total.endsWith(result(other).findElement(By.className("distance")).getText()), total);
    chromium.screenshots("explain");
    chromium.assertNoPolicyViolations();
  }

  @Test
  void lessLikeThisChangesTheOrder() throws Exception {
    String query = s.id("scene-4");
    open("/?similar=" + query);
    var wait = chromium.waiting();
    wait.until(d -> results().size() == s.files.size());
    List<String> before = results();
    // a negative example whose subtraction reorders the other results (the API decides; the page
    // must show it)
    String negative = null;
    List<String> refined = null;
    for (String candidate : before.subList(1, before.size())) {
      List<String> order =
          TestClient.ids(
              TestClient.json(
                      s.get(
                          "/api/search?k=20&id="
                              + query
                              + "&not_id="
                              + URLEncoder.encode(candidate, StandardCharsets.UTF_8)))
                  .get("results"));
      if (!order.equals(without(before, query, candidate))) {
        negative = candidate;
        refined = order;
        break;
      }
    }
    assertTrue(negative != null, "no negative example changes the order of " + before);
    String less = negative;
    result(less).findElement(By.className("less")).click();
    wait.until(
        d ->
            chromium
                .location()
                .contains("less=" + URLEncoder.encode(less, StandardCharsets.UTF_8)));
    List<String> expected = refined;
    wait.until(d -> results().equals(expected));
    // the examples are left out of the results, and the others come in a new order
    assertFalse(results().contains(less));
    assertNotEquals(without(before, query, less), results());
    assertEquals(1, chromium.all("#examples li.less").size());
    chromium.screenshots("refine");

    // Back undoes the refinement; taking the example away does too
    chromium.driver.navigate().back();
    wait.until(d -> results().equals(before));
    chromium.driver.navigate().forward();
    wait.until(d -> results().equals(expected));
    chromium.driver.findElement(By.cssSelector("#examples li.less button")).click();
    wait.until(d -> results().equals(before));
    chromium.assertNoPolicyViolations();
  }

  private static List<String> without(List<String> ids, String... left) {
    return ids.stream().filter(id -> !List.of(left).contains(id)).toList();
  }

  @Test
  void regionSearchSendsTheCropDrawnOnTheQuery() throws Exception {
    String query = s.id("scene-0");
    open("/?similar=" + query);
    var wait = chromium.waiting();
    wait.until(d -> !results().isEmpty());
    wait.until(
        d ->
            (Boolean)
                chromium.js(
                    "const i = document.getElementById('preview'); return i.complete && i.naturalWidth > 0;"));
    chromium.driver.findElement(By.id("region")).click();
    WebElement layer = chromium.driver.findElement(By.id("crop-layer"));
    chromium.js(
        "arguments[0].scrollIntoView({block: 'center'});", layer); // pointer actions do not scroll
    int w = layer.getSize().getWidth(), h = layer.getSize().getHeight();
    // drag from (10%, 20%) to (60%, 80%) of the image; offsets are from the canvas's centre
    new Actions(chromium.driver)
        .moveToElement(layer, -w / 2 + w / 10, -h / 2 + h / 5)
        .clickAndHold()
        .moveByOffset(w / 4, h * 3 / 10)
        .moveByOffset(w / 4, h * 3 / 10)
        .release()
        .perform();
    chromium.driver.findElement(By.id("region-search")).click();
    wait.until(d -> chromium.location().contains("region="));
    wait.until(d -> !results().isEmpty() && !results().get(0).isEmpty());
    wait.until(
        d -> chromium.driver.findElement(By.id("query-label")).getText().startsWith("A region of"));

    // the same crop made here from the original file gives the same nearest image at about the same
    // distance
    String region =
        URLDecoder.decode(
            chromium.location().replaceAll(".*region=([^&]*).*", "$1"), StandardCharsets.UTF_8);
    String[] f = region.split(",");
    BufferedImage original = ImageIO.read(s.files.get("scene-0").toFile());
    int x = (int) Math.round(Double.parseDouble(f[0]) * original.getWidth());
    int y = (int) Math.round(Double.parseDouble(f[1]) * original.getHeight());
    int cw = (int) Math.round(Double.parseDouble(f[2]) * original.getWidth());
    int ch = (int) Math.round(Double.parseDouble(f[3]) * original.getHeight());
    assertTrue(cw > original.getWidth() / 3 && ch > original.getHeight() / 3, "region " + region);
    byte[] crop = TestImages.encode(original.getSubimage(x, y, cw, ch), "png");
    JsonNode expected =
        TestClient.json(s.post("/api/search?k=20", TestClient.multipart("image", crop)))
            .get("results");
    assertEquals(expected.get(0).get("id").asText(), results().get(0));
    double shown = Double.parseDouble(result(results().get(0)).getAttribute("data-distance"));
    assertEquals(expected.get(0).get("distance").asDouble(), shown, 0.02);
    assertTrue(shown > 0.0005, "a crop is not the whole image: distance " + shown);
    chromium.screenshots("region");
    chromium.assertNoPolicyViolations();
  }

  @Test
  void aServerWithoutAQuarantineFolderOffersNoMoves() throws Exception {
    // the server has a token but no --quarantine: "Not duplicates" is offered, moving files is not,
    // and the page says why instead of asking for a token first
    open("/?duplicates");
    var wait = chromium.waiting();
    wait.until(d -> !chromium.all("#groups .dismiss").isEmpty());
    assertTrue(chromium.all("#groups .dismiss").get(0).isDisplayed());
    assertTrue(
        chromium.all("#groups .quarantine").stream().noneMatch(WebElement::isDisplayed),
        "a move to quarantine is offered");
    assertFalse(chromium.driver.findElement(By.id("resolve-all")).isDisplayed());
    assertTrue(chromium.driver.findElement(By.id("write-note")).isDisplayed());
    assertFalse(chromium.driver.findElement(By.id("tab-quarantine")).isDisplayed());
    for (Path file : s.files.values())
      assertTrue(java.nio.file.Files.exists(file), "moved: " + file);
    chromium.assertNoConsoleErrors();
  }

  @Test
  void viewerShowsThePhotoItsFactsAndItsButtons() throws Exception {
    String big = s.id("scene-0");
    open("/?sort=path");
    var wait = chromium.waiting();
    wait.until(d -> library().size() == s.files.size());
    chromium.driver.findElement(By.cssSelector("#library li[data-id='" + big + "'] .pick")).click();
    wait.until(d -> d.findElement(By.id("viewer")).isDisplayed());
    // the original replaces the larger thumbnail once decoded: its full 640 pixels
    wait.until(
        d ->
            chromium
                .js(
                    "const i = document.getElementById('viewer-image'); return i.complete && i.naturalWidth;")
                .equals(640L));
    assertTrue(
        ((String) chromium.js("return document.getElementById('viewer-image').src;"))
            .endsWith("/api/images/" + big));
    WebElement facts = chromium.driver.findElement(By.id("viewer-facts"));
    assertEquals("640 × 480", facts.findElement(By.className("fact-dimensions")).getText());
    assertEquals("JPEG", facts.findElement(By.className("fact-format")).getText());
    assertTrue(facts.findElement(By.className("fact-size")).getText().endsWith("KB"));
    assertEquals("scene-0.jpg", chromium.driver.findElement(By.id("viewer-title")).getText());
    assertTrue(
        chromium
            .driver
            .findElement(By.id("viewer-original"))
            .getAttribute("href")
            .endsWith("/api/images/" + big));
    int at = library().indexOf(big);
    assertEquals(
        (at + 1) + " of " + library().size(),
        chromium.driver.findElement(By.id("viewer-position")).getText());
    chromium.screenshots("viewer");

    // ← and → buttons step through the grid; the URL follows, and a reload opens the same photo
    chromium.driver.findElement(By.id("viewer-next")).click();
    String next = library().get(at + 1);
    wait.until(d -> chromium.location().equals("/?sort=path&view=" + next));
    chromium.driver.findElement(By.id("viewer-prev")).click();
    wait.until(d -> chromium.location().equals("/?sort=path&view=" + big));
    chromium.driver.navigate().refresh();
    wait.until(d -> d.findElement(By.id("viewer")).isDisplayed());
    wait.until(d -> d.findElement(By.id("viewer-title")).getText().equals("scene-0.jpg"));

    // "Search a region": the similar view, drawing already
    chromium.driver.findElement(By.id("viewer-region")).click();
    wait.until(d -> chromium.location().equals("/?similar=" + big));
    wait.until(d -> "true".equals(d.findElement(By.id("region")).getAttribute("aria-pressed")));

    // "Show in folder": the library filtered to the photo's folder
    String small = s.id("scene-0-small");
    open("/?sort=path&view=" + small);
    wait.until(d -> d.findElement(By.id("viewer")).isDisplayed());
    chromium.driver.findElement(By.id("viewer-folder")).click();
    wait.until(d -> chromium.location().contains("folder="));
    wait.until(
        d ->
            java.util.Set.copyOf(library())
                .equals(java.util.Set.of(s.id("scene-0-small"), s.id("scene-1-copy"))));
    wait.until(d -> !d.findElement(By.id("viewer")).isDisplayed());
    chromium.assertNoConsoleErrors();
  }

  @Test
  void aLargeUploadIsDownscaledInTheBrowserBeforeItIsSent() throws Exception {
    open("/");
    var wait = chromium.waiting();
    wait.until(d -> d.findElement(By.id("browse")).isDisplayed());
    // record what the page sends: the image part of each search request, as the browser decodes it
    chromium.js(
        "window.sent = []; const send = window.fetch;"
            + "window.fetch = async (url, options) => {"
            + "  if (options && options.body instanceof FormData && options.body.get('image')) {"
            + "    const f = options.body.get('image'); const b = await createImageBitmap(f);"
            + "    window.sent.push({size: f.size, type: f.type, width: b.width, height: b.height}); }"
            + "  return send(url, options); };");
    // a 1600x1200 PNG of scene 6 (the library holds it at 640x480)
    byte[] large = TestImages.encode(TestImages.scene(6, 1600, 1200), "png");
    chromium.js(
        "const bytes = Uint8Array.from(atob(arguments[0]), (c) => c.charCodeAt(0));"
            + "const data = new DataTransfer(); data.items.add(new File([bytes], 'large.png', {type: 'image/png'}));"
            + "document.dispatchEvent(new ClipboardEvent('paste', {clipboardData: data, bubbles: true}));",
        Base64.getEncoder().encodeToString(large));
    wait.until(d -> !results().isEmpty());
    @SuppressWarnings("unchecked")
    List<java.util.Map<String, Object>> sent =
        (List<java.util.Map<String, Object>>) chromium.js("return window.sent;");
    assertEquals(1, sent.size(), String.valueOf(sent));
    assertEquals(597L, sent.get(0).get("width"), String.valueOf(sent));
    assertEquals(448L, sent.get(0).get("height"), String.valueOf(sent));
    assertEquals("image/jpeg", sent.get(0).get("type"));
    assertTrue(
        ((Number) sent.get(0).get("size")).longValue() < large.length / 2,
        large.length + " bytes: " + sent);
    // and it still finds the photo it is a copy of
    assertEquals(s.id("scene-6"), results().get(0));
    chromium.assertNoConsoleErrors();
  }

  @Test
  void aDroppedLinkIsSearchedOnlyWhenItIsThisServers() throws Exception {
    open("/");
    var wait = chromium.waiting();
    wait.until(d -> d.findElement(By.id("browse")).isDisplayed());
    String drop =
        "const data = new DataTransfer(); data.setData('text/uri-list', arguments[0]);"
            + "document.getElementById('library').dispatchEvent(new DragEvent('drop', {dataTransfer: data, bubbles: true, cancelable: true}));";
    // another site: not fetched, and said so
    chromium.js(drop, "https://photos.example.com/cat.jpg");
    wait.until(d -> d.findElement(By.id("error")).isDisplayed());
    assertTrue(
        chromium.driver.findElement(By.id("error")).getText().contains("photos.example.com"),
        chromium.driver.findElement(By.id("error")).getText());
    assertEquals("/", chromium.location());
    // an indexed image's thumbnail dragged from this page: a search by its id
    String id = s.id("scene-4");
    chromium.js(drop, "http://127.0.0.1:" + s.port() + "/api/images/" + id + "/thumbnail");
    wait.until(d -> chromium.location().equals("/?similar=" + id));
    wait.until(d -> !results().isEmpty() && results().get(0).equals(id));
    chromium.assertNoConsoleErrors();
  }

  @Test
  void theFaviconAndAccessibleNames() throws Exception {
    open("/");
    var wait = chromium.waiting();
    wait.until(d -> library().size() == s.files.size());
    // the favicon is served (no 404 in the console)
    assertEquals(200, s.get("/favicon.svg").statusCode());
    // every control has a name a screen reader can say
    @SuppressWarnings("unchecked")
    List<String> unnamed =
        (List<String>)
            chromium.js(
                "const out = [];"
                    + "for (const el of document.querySelectorAll('button, input, select, a[href]')) {"
                    + "  const label = el.getAttribute('aria-label') || (el.labels && el.labels.length && el.labels[0].textContent.trim())"
                    + "    || el.textContent.trim() || el.getAttribute('title');"
                    + "  if (!label) out.push(el.outerHTML.slice(0, 80)); }"
                    + "return out;");
    assertEquals(List.of(), unnamed);
    // the pager of a one-page library is not shown (no "Page 1 of 1")
    assertFalse(chromium.driver.findElement(By.cssSelector("#browse .pager")).isDisplayed());
    chromium.assertNoConsoleErrors();
  }
}
