package dss.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every supported format decodes by content to what Pillow's convert('RGB') gives (expected PNGs
 * made by Pillow).
 */
class DecodeFormatsTest {
  private final ImagePipeline pipeline = new ImagePipeline();

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    // file, format sniffed, largest allowed mean / max difference from Pillow in 8-bit levels
    "rgb.png, png, 0, 0",
    "rgba.png, png, 0, 0",
    "grey.png, png, 0, 0",
    "grey-alpha.png, png, 0, 0",
    "palette.png, png, 0, 0",
    "palette-transparent.png, png, 0, 0",
    "rgb16.png, png, 0, 0",
    "grey16.png, png, 0, 0", // Pillow's mode I, whose convert('RGB') clips every value above 255 to
    // white
    "rgb.bmp, bmp, 0, 0",
    "rgb.tiff, tiff, 0, 0",
    "rgb.gif, gif, 0, 0",
    "animated.gif, gif, 0, 0",
    "lossless.webp, webp, 0, 0",
    "lossy.webp, webp, 0, 0",
    "animated.webp, webp, 0, 0",
    "baseline.jpg, jpeg, 0.5, 4",
    "progressive.jpg, jpeg, 0.5, 4",
    "grey.jpg, jpeg, 0.5, 4",
    "cmyk.jpg, jpeg, 1.0, 8",
    "jpeg-named.png, jpeg, 0.5, 4",
  })
  void decodesLikePillow(String file, String format, double maxMean, int maxMax) throws Exception {
    Path path = Fixtures.path("formats/" + file);
    RgbImage expected = Fixtures.png(Fixtures.path("formats/" + file + ".expected.png"));
    RgbImage actual = Fixtures.rgb(pipeline.decodeOriented(path, 4096));
    double mean = Fixtures.meanAbsDiff(expected, actual);
    int max = Fixtures.maxAbsDiff(expected, actual);
    assertTrue(
        mean <= maxMean && max <= maxMax, file + ": mean difference " + mean + ", max " + max);

    PreparedImage prepared = pipeline.prepare(path);
    assertEquals(format, prepared.format());
    assertEquals(64, prepared.width());
    assertEquals(48, prepared.height());
    assertEquals(3 * 224 * 224, prepared.tensor().length);
  }

  @Test
  void uploadsDecodeFromBytes() throws Exception {
    byte[] bytes = Files.readAllBytes(Fixtures.path("formats/lossless.webp"));
    PreparedImage fromBytes = pipeline.prepare(bytes, "upload.bin");
    PreparedImage fromFile = pipeline.prepare(Fixtures.path("formats/lossless.webp"));
    assertEquals("webp", fromBytes.format());
    assertEquals(0.0, Fixtures.meanAbsDiff(fromFile.tensor(), fromBytes.tensor()));
  }

  @Test
  void concurrentCallersGetTheSameTensors() throws Exception {
    List<Path> files =
        List.of(
            Fixtures.path("parity/wide-1600x900.jpg"),
            Fixtures.path("formats/rgba.png"),
            Fixtures.path("formats/lossy.webp"),
            Fixtures.path("exif/orientation-6.jpg"),
            Fixtures.path("formats/rgb.tiff"));
    List<float[]> sequential = new ArrayList<>();
    for (Path f : files) {
      sequential.add(pipeline.prepare(f).tensor());
    }
    try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
      List<Future<float[]>> results = new ArrayList<>();
      for (int round = 0; round < 8; round++) {
        for (Path f : files) {
          results.add(pool.submit(() -> pipeline.prepare(f).tensor()));
        }
      }
      for (int i = 0; i < results.size(); i++) {
        assertArrayEquals(sequential.get(i % files.size()), results.get(i).get());
      }
    }
  }

  @Test
  void sniffsByMagicBytesOnly() {
    assertEquals(
        "jpeg",
        FormatSniffer.sniff(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0}));
    assertEquals(
        "png", FormatSniffer.sniff(new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10}));
    assertEquals("gif", FormatSniffer.sniff("GIF89a".getBytes(StandardCharsets.UTF_8)));
    assertEquals(
        "webp", FormatSniffer.sniff("RIFF\0\0\0\0WEBPVP8 ".getBytes(StandardCharsets.UTF_8)));
    assertEquals("tiff", FormatSniffer.sniff(new byte[] {'I', 'I', 42, 0}));
    assertNull(FormatSniffer.sniff("BMW is a car".getBytes(StandardCharsets.UTF_8)));
    assertNull(FormatSniffer.sniff("RIFF\0\0\0\0WAVEfmt ".getBytes(StandardCharsets.UTF_8)));
    assertNull(FormatSniffer.sniff(new byte[0]));
  }

  @Test
  void thumbnailsFitTheRequestedSideKeepingAspect() throws Exception {
    var thumb = pipeline.decodeOriented(Fixtures.path("parity/wide-1600x900.jpg"), 256);
    assertEquals(256, thumb.getWidth());
    assertEquals(144, thumb.getHeight());
    var tall = pipeline.decodeOriented(Fixtures.path("parity/tall-720x1280.jpg"), 100);
    assertEquals(56, tall.getWidth());
    assertEquals(100, tall.getHeight());
  }
}
