package dss.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dss.ingest.LibraryIndexer;
import java.awt.Color;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A first visit to a server whose thumbnail queue is made tiny through its options (one worker, no
 * waiting place, no wait): most of the grid's first thumbnail requests are answered 503, and the
 * page, in a real headless Chromium, shows placeholders, asks again after the Retry-After and ends
 * with every thumbnail shown, none broken.
 */
class ThumbnailRetryPageTest {
  static final int HEAVY = 12;

  @TempDir static Path tmp;
  static TestServer s;
  static Chromium chromium;

  @BeforeAll
  static void start() throws Exception {
    chromium = Chromium.start(tmp);
    s =
        new TestServer.Builder(tmp)
            .thumbnails(new SearchServer.Thumbnails(1, 0, Duration.ZERO))
            .start();
    Path heavy = tmp.resolve("heavy");
    for (int i = 0; i < HEAVY; i++) {
      TestImages.write(
          heavy.resolve("heavy-" + i + ".png"),
          BusyUploadsTest.heavyPng(1500, new Color(20 * i, 255 - 20 * i, 120)));
    }
    var indexed =
        new LibraryIndexer(s.index, s.ingest, LibraryIndexer.Options.defaults(List.of(heavy)))
            .run(
                f -> {
                  throw new AssertionError("not indexed: " + f);
                });
    assertEquals(HEAVY, indexed.added(), indexed.toString());
    s.awaitRefresh();
  }

  @AfterAll
  static void stop() throws Exception {
    if (chromium != null) chromium.close();
    if (s != null) s.close();
  }

  @Test
  void aBusyThumbnailQueueEndsWithEveryThumbnailShownNoneBroken() throws Exception {
    int total = s.files.size() + HEAVY;
    chromium.driver.get("http://127.0.0.1:" + s.port() + "/");
    chromium.waiting().until(d -> chromium.all("#library li.card img").size() == total);
    chromium.js(
        "window.scrollTo(0, document.body.scrollHeight);"); // lazy images: bring every one near the
    // view Retries pause for Retry-After (1 s) and longer each time: allow far more than a busy
    // machine needs
    new WebDriverWait(chromium.driver, Duration.ofSeconds(120))
        .withMessage("every thumbnail shown, none broken, waiting or given up")
        .until(
            d ->
                (Boolean)
                    chromium.js(
                        "const imgs = [...document.querySelectorAll('#library li.card img')];"
                            + " return imgs.length === arguments[0] && imgs.every((i) => i.complete && i.naturalWidth > 0"
                            + " && !i.classList.contains('thumb-waiting') && !i.classList.contains('thumb-failed'));",
                        total));

    // The page was refused on the way (else this test proved nothing about retrying) and shows no
    // broken image
    String metrics = new String(s.get("/metrics").body(), StandardCharsets.UTF_8);
    Matcher refused =
        Pattern.compile(
                "dss_http_requests_total\\{method=\"GET\",route=\"/api/images/\\{id}/thumbnail\","
                    + "status=\"503\"} ([0-9.]+)")
            .matcher(metrics);
    assertTrue(
        refused.find() && Double.parseDouble(refused.group(1)) >= 1,
        "no thumbnail request was refused: the queue was not busy enough to test the retry");
    long broken =
        (Long)
            chromium.js(
                "return [...document.images].filter((i) => i.src && i.complete"
                    + " && i.naturalWidth === 0).length;");
    assertEquals(0, broken, "broken images on the page");
    chromium.assertNoPolicyViolations();
    chromium.screenshots("thumbnails-after-retry");
  }
}
