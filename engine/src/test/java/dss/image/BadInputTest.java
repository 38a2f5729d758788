package dss.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every bad input is refused with an ImageException naming the file and the reason; nothing else
 * escapes.
 */
class BadInputTest {
  private final ImagePipeline pipeline = new ImagePipeline();

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "truncated.jpg, truncated JPEG",
    "truncated-progressive.jpg, truncated JPEG",
    "header-only.jpg, truncated JPEG",
    "truncated.png, corrupt or truncated png",
    "truncated.webp, corrupt or truncated webp",
    "truncated.gif, truncated GIF (the file ends inside the image data)",
    "truncated.bmp, corrupt or truncated bmp image (unexpected end of file)",
    "truncated.tiff, corrupt or truncated tiff",
    "not-an-image.jpg, not an image",
    "empty.png, empty file",
    "bomb.png, image too large: 50000x50000",
    "bomb.jpg, image too large: 50000x50000",
    "gif-screen-bomb.gif, image too large: 51234x56163", // as Pillow: the screen reaches to the
    // frame's far corner
  })
  void refusedWithReason(String file, String reason) {
    Path path = Fixtures.path("bad/" + file);
    ImageException e = assertThrows(ImageException.class, () -> pipeline.prepare(path));
    assertTrue(e.getMessage().startsWith(path.toString() + ": "), e.getMessage());
    assertTrue(e.reason().contains(reason), e.getMessage());
    ImageException thumb =
        assertThrows(ImageException.class, () -> pipeline.decodeOriented(path, 256));
    assertEquals(e.reason(), thumb.reason());
  }

  @Test
  void pixelLimitIsConfigurable() throws Exception {
    Path photo = Fixtures.path("parity/wide-1600x900.jpg");
    ImageException e =
        assertThrows(ImageException.class, () -> new ImagePipeline(1_000_000).prepare(photo));
    assertTrue(
        e.reason().contains("1600x900 = 1440000 pixels, above the limit of 1000000"),
        e.getMessage());
    assertEquals(1600, new ImagePipeline(1_440_000).prepare(photo).width());
  }

  @Test
  void corruptBytesInsideAFileAreRefusedOrDecodedNeverThrownOut(@TempDir Path dir)
      throws Exception {
    // flip bytes all over real files of every format: each attempt either decodes or raises
    // ImageException
    int refused = 0, decoded = 0;
    for (String name :
        new String[] {
          "baseline.jpg",
          "progressive.jpg",
          "rgb.png",
          "lossless.webp",
          "lossy.webp",
          "rgb.gif",
          "rgb.bmp",
          "rgb.tiff"
        }) {
      byte[] good = Files.readAllBytes(Fixtures.path("formats/" + name));
      java.util.Random random = new java.util.Random(name.hashCode());
      for (int trial = 0; trial < 25; trial++) {
        byte[] bad = good.clone();
        for (int i = 0; i < 8; i++) {
          bad[8 + random.nextInt(bad.length - 8)] = (byte) random.nextInt(256);
        }
        Path file = dir.resolve(trial + "-" + name);
        Files.write(file, bad);
        try {
          assertEquals(3 * 224 * 224, pipeline.prepare(file).tensor().length);
          decoded++;
        } catch (ImageException expected) {
          assertTrue(expected.getMessage().startsWith(file + ": "), expected.getMessage());
          refused++;
        }
      }
    }
    // Both outcomes must occur: a pipeline that decoded everything (or refused everything) would
    // pass the loop.
    assertTrue(refused >= 20, "damaged files refused: " + refused + " of 200");
    assertTrue(decoded >= 20, "damaged files still decoded: " + decoded + " of 200");
  }

  @Test
  void missingFilesAndDirectoriesAreRefused(@TempDir Path dir) {
    ImageException missing =
        assertThrows(ImageException.class, () -> pipeline.prepare(dir.resolve("nope.jpg")));
    assertEquals("no such file", missing.reason());
    ImageException directory = assertThrows(ImageException.class, () -> pipeline.prepare(dir));
    assertEquals("not a regular file", directory.reason());
  }

  @Test
  void badUploadsNameTheUpload() {
    ImageException e =
        assertThrows(
            ImageException.class,
            () -> pipeline.prepare("hello".getBytes(StandardCharsets.UTF_8), "upload.jpg"));
    assertEquals("upload.jpg: not an image (unrecognised content)", e.getMessage());
  }

  @Test
  void heicAndAvifAreRecognisedByBrandAndAHeaderAloneIsABadImage(@TempDir Path dir)
      throws Exception {
    record Case(String name, byte[] bytes, String label) {}
    for (Case c :
        java.util.List.of(
            new Case(
                "iphone.heic",
                IsoBmffFiles.ftyp("heic", "mif1", "MiHE", "MiPr", "miaf", "MiHB", "heic"),
                "HEIC"),
            new Case("burst.heics", IsoBmffFiles.ftyp("hevc", "msf1", "hevc"), "HEIC"),
            new Case("plain.heif", IsoBmffFiles.ftyp("mif1", "heic"), "HEIC"),
            new Case("generic.heif", IsoBmffFiles.ftyp("mif1", "mif1", "miaf"), "HEIF"),
            new Case(
                "photo.avif", IsoBmffFiles.ftyp("avif", "avif", "mif1", "miaf", "MA1B"), "AVIF"),
            new Case("mif1-first.avif", IsoBmffFiles.ftyp("mif1", "mif1", "miaf", "avif"), "AVIF"),
            new Case("anim.avifs", IsoBmffFiles.ftyp("avis", "avis", "msf1"), "AVIF"))) {
      assertEquals(
          c.label().toLowerCase(java.util.Locale.ROOT), FormatSniffer.sniff(c.bytes()), c.name());
      Path file = dir.resolve(c.name());
      Files.write(file, c.bytes());
      ImageException e = assertThrows(ImageException.class, () -> pipeline.prepare(file));
      // "corrupt HEIC (libheif: ...)", or "HEIC needs libheif1: ..." where libheif is missing
      assertTrue(
          e.reason().matches("(corrupt |truncated |cannot decode )?" + c.label() + " .*"),
          c.name() + ": " + e.reason());
      assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
      ImageException upload =
          assertThrows(ImageException.class, () -> pipeline.prepare(c.bytes(), "upload"));
      assertEquals(e.reason(), upload.reason());
    }
    // Videos share the box format: an MP4 or a QuickTime movie is not an image format at all
    assertEquals(
        null, FormatSniffer.sniff(IsoBmffFiles.ftyp("isom", "isom", "iso2", "avc1", "mp41")));
    assertEquals(null, FormatSniffer.sniff(IsoBmffFiles.ftyp("qt  ", "qt  ")));
    assertEquals(
        null,
        FormatSniffer.sniff("ftypheic".getBytes(StandardCharsets.UTF_8)),
        "no box size: not a box");
    ImageException mp4 =
        assertThrows(
            ImageException.class,
            () -> pipeline.prepare(IsoBmffFiles.ftyp("isom", "isom", "mp41"), "clip.mp4"));
    assertEquals("not an image (unrecognised content)", mp4.reason());
  }
}
