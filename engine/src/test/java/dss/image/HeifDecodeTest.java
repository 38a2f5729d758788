package dss.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * HEIC and AVIF through libheif: files made here with heif-enc from the fixtures and a generated
 * photo-like image. Pixels must equal heif-convert's (the same libheif, as pillow-heif uses), and
 * the 224x224 tensor must match Pillow's DreamSim preprocessing of heif-convert's PNG within 1/255
 * (mean absolute difference).
 */
class HeifDecodeTest {
  private static final double LIMIT = 1.0 / 255;
  private static final int TENSOR = 3 * 224 * 224;
  @TempDir static Path tmp;
  private final ImagePipeline pipeline = new ImagePipeline();

  @BeforeAll
  static void libheifLoads() {
    HeifFiles.assumeTools();
    assertTrue(
        HeifDecoders.standard().decoder() != null,
        "heif-enc is installed, so libheif1 is too, but it did not load: "
            + HeifDecoders.standard().missing());
  }

  @ParameterizedTest(name = "{0} as {1}")
  @CsvSource({
    "photo-like, heic, ''",
    "photo-like, avif, ''",
    "parity/wide-1600x900.jpg, heic, ''",
    "parity/tall-720x1280.jpg, avif, ''",
    "formats/rgba.png, heic, ''",
    "formats/rgba.png, avif, ''", // alpha dropped as convert('RGB')
    // 10-bit: reduced to 8 bits. (heif-enc -b 10 to AVIF hits an assertion in Debian 12's libaom
    // 3.6 encoder.)
    "formats/rgb16.png, heic, -b 10",
    "formats/grey.png, heic, ''"
  })
  void decodesAsLibheifAndMatchesPillow(String source, String format, String options)
      throws Exception {
    Path src =
        source.equals("photo-like")
            ? HeifFiles.photoLikePng(tmp.resolve("photo-like.png"), 1536, 1024, 7)
            : Fixtures.path(source);
    String stem = source.replace('/', '-') + (options.isEmpty() ? "" : "-10bit");
    Path file =
        HeifFiles.encode(
            src,
            tmp.resolve(stem + "." + format),
            options.isEmpty() ? new String[0] : options.split(" "));
    Path png = HeifFiles.convert(file, tmp.resolve(stem + "." + format + ".png"));

    PreparedImage prepared = pipeline.prepare(Files.readAllBytes(file), file.toString());
    assertEquals(format, prepared.format());
    RgbImage reference = Fixtures.rgb(javax.imageio.ImageIO.read(png.toFile()));
    assertEquals(
        reference.width() + "x" + reference.height(), prepared.width() + "x" + prepared.height());
    // thumbnails: the same decode, full size here, equal to libheif's own tool up to the PNG's
    // 16-bit rounding
    RgbImage decoded = Fixtures.rgb(pipeline.decodeOriented(file, 4096));
    assertTrue(
        Fixtures.maxAbsDiff(reference, decoded) <= (options.isEmpty() ? 0 : 1),
        "pixels differ from heif-convert's by " + Fixtures.maxAbsDiff(reference, decoded));
    RgbImage thumb = Fixtures.rgb(pipeline.decodeOriented(file, 64));
    assertEquals(64, Math.max(thumb.width(), thumb.height()), "thumbnail's longer side");

    float[] pillow = pillowTensor(png);
    double diff = Fixtures.meanAbsDiff(pillow, prepared.tensor());
    System.out.printf(
        Locale.ROOT,
        "HEIF parity %s -> %s%s: %dx%d, mean |diff| from Pillow %.4f/255%n",
        source,
        format,
        options.isEmpty() ? "" : " (" + options + ")",
        prepared.width(),
        prepared.height(),
        diff * 255);
    assertTrue(diff <= LIMIT, "mean difference from Pillow: " + diff * 255 + "/255");
  }

  @Test
  void theGuardRunsBeforeDecoding() throws Exception {
    Path file =
        HeifFiles.encode(Fixtures.path("parity/small-300x200.jpg"), tmp.resolve("small.heic"));
    byte[] bytes = Files.readAllBytes(file);
    ImageException e =
        assertThrows(
            ImageException.class,
            () -> new ImagePipeline(300L * 200 - 1).prepare(bytes, "small.heic"));
    assertEquals(
        "image too large: 300x200 = 60000 pixels, above the limit of 59999 (decompression-bomb guard)",
        e.reason());
    assertEquals(300, new ImagePipeline(300L * 200).prepare(bytes, "small.heic").width());
  }

  @Test
  void badFilesAreClearPerFileErrors() throws Exception {
    byte[] good =
        Files.readAllBytes(
            HeifFiles.encode(Fixtures.path("parity/small-300x200.jpg"), tmp.resolve("good.heic")));
    byte[] avif =
        Files.readAllBytes(
            HeifFiles.encode(Fixtures.path("parity/small-300x200.jpg"), tmp.resolve("good.avif")));
    // the header claims 20000x20000 (400 MP): our guard, from libheif's reported size, before
    // decoding (bytes in memory are an upload: the upload limit applies)
    assertEquals(
        "image too large: 20000x20000 = 400000000 pixels, above the limit of 64000000 for uploads "
            + "(decompression-bomb guard)",
        reason(HeifFiles.withClaimedSize(good, 20000, 20000), "claims-400mp.heic"));
    // 100000x100000: libheif's own limit (32768 per side) refuses it while reading the header
    assertTrue(
        reason(HeifFiles.withClaimedSize(good, 100000, 100000), "bomb.heic")
            .startsWith("image too large ("),
        reason(HeifFiles.withClaimedSize(good, 100000, 100000), "bomb.heic"));
    for (int cut : new int[] {good.length / 2, good.length - 10, 40}) {
      String r = reason(java.util.Arrays.copyOf(good, cut), "truncated.heic");
      assertTrue(
          r.startsWith("truncated HEIC (libheif: ") || r.startsWith("corrupt HEIC (libheif: "),
          cut + ": " + r);
    }
    String r = reason(java.util.Arrays.copyOf(avif, avif.length - 20), "truncated.avif");
    assertTrue(
        r.startsWith("truncated AVIF (libheif: ") || r.startsWith("corrupt AVIF (libheif: "), r);
    assertTrue(
        reason(IsoBmffFiles.ftyp("heic", "mif1", "heic"), "header-only.heic")
            .startsWith("corrupt HEIC"));
    assertEquals("empty file", reason(new byte[0], "zero.heic"));
  }

  @Test
  void thisLibheifDecodesHevcAndAv1() {
    // what `doctor` reports and the start-up warning names: libheif 1.17+ loads decoders as
    // plugins, maybe none
    assertEquals(
        java.util.List.of(),
        HeifDecoders.standard().decoder().missingDecoders(),
        "libheif " + HeifDecoders.standard().decoder().version() + " lacks decoders");
  }

  /**
   * A file whose image uses a codec libheif has no decoder for (VVC: none in Debian 12's libheif
   * 1.15).
   */
  @Test
  void anUndecodableCodecIsAPerFileError() throws Exception {
    byte[] heic =
        Files.readAllBytes(
            HeifFiles.encode(Fixtures.path("parity/small-300x200.jpg"), tmp.resolve("vvc.heic")));
    String bytes = new String(heic, java.nio.charset.StandardCharsets.ISO_8859_1);
    int at = bytes.indexOf("hvc1"); // the primary item's type in its infe box
    heic[at] = 'v';
    heic[at + 1] = 'v';
    String r = reason(heic, "vvc.heic");
    assertEquals(
        "HEIC with a codec this libheif cannot decode (H.266/VVC); libheif 1.18+ decodes it", r);
  }

  @Test
  void missingLibheifIsAPerFileError() throws Exception {
    byte[] heic =
        Files.readAllBytes(
            HeifFiles.encode(
                Fixtures.path("parity/small-300x200.jpg"), tmp.resolve("missing.heic")));
    byte[] avif =
        Files.readAllBytes(
            HeifFiles.encode(
                Fixtures.path("parity/small-300x200.jpg"), tmp.resolve("missing.avif")));
    HeifDecoders.Choice none =
        HeifDecoders.select(Runtime.version().feature(), "libheif-does-not-exist.so.1");
    ImagePipeline without =
        new ImagePipeline(ImagePipeline.DEFAULT_MAX_PIXELS, true, JpegDecoders.standard(), none);
    assertEquals(
        "HEIC needs libheif1: apt-get install libheif1",
        assertThrows(ImageException.class, () -> without.prepare(heic, "a.heic")).reason());
    assertEquals(
        "AVIF needs libheif1: apt-get install libheif1",
        assertThrows(ImageException.class, () -> without.prepare(avif, "a.avif")).reason());
    assertEquals(
        300,
        without
            .prepare(Files.readAllBytes(Fixtures.path("parity/small-300x200.jpg")), "a.jpg")
            .width(),
        "other formats still decode");
    assertEquals(
        "HEIC needs Java 22 or newer (libheif is bound through the FFM API)",
        assertThrows(
                ImageException.class,
                () ->
                    new ImagePipeline(
                            ImagePipeline.DEFAULT_MAX_PIXELS,
                            true,
                            JpegDecoders.standard(),
                            HeifDecoders.select(21, HeifDecoders.LIBRARY))
                        .prepare(heic, "a.heic"))
            .reason());
  }

  /**
   * Hostile uploads: flipped bytes anywhere in a HEIC or AVIF either decode (damaged pixels) or are
   * refused.
   */
  @Test
  void flippedBytesNeverEscapeAsAnythingButImageException() throws Exception {
    for (String format : new String[] {"heic", "avif"}) {
      byte[] good =
          Files.readAllBytes(
              HeifFiles.encode(
                  Fixtures.path("parity/small-300x200.jpg"), tmp.resolve("flip." + format)));
      java.util.Random random = new java.util.Random(11);
      int refused = 0;
      for (int i = 0; i < 150; i++) {
        byte[] bad = good.clone();
        for (int k = 1 + random.nextInt(8); k > 0; k--) {
          // half the flips in the first 512 bytes, where the boxes are
          int at =
              random.nextBoolean()
                  ? random.nextInt(Math.min(512, bad.length))
                  : random.nextInt(bad.length);
          bad[at] ^= (byte) (1 + random.nextInt(255));
        }
        try {
          PreparedImage p = pipeline.prepare(bad, "flipped." + format);
          assertEquals(224 * 224 * 3, p.tensor().length);
        } catch (ImageException e) {
          refused++;
          assertTrue(e.getMessage().startsWith("flipped." + format + ": "), e.getMessage());
        }
      }
      assertTrue(refused > 0, "some of 150 damaged " + format + " files must be refused");
    }
  }

  @Test
  void manyDecodesReleaseNativeMemory() throws Exception {
    byte[] heic =
        Files.readAllBytes(
            HeifFiles.encode(
                HeifFiles.photoLikePng(tmp.resolve("leak.png"), 1024, 768, 3),
                tmp.resolve("leak.heic")));
    byte[] bad = java.util.Arrays.copyOf(heic, heic.length / 2);
    for (int i = 0; i < 100; i++) { // the Java heap grows to its working size first
      pipeline.prepare(heic, "leak.heic");
    }
    System.gc();
    long before = residentKb();
    for (int i = 0; i < 300; i++) {
      pipeline.prepare(heic, "leak.heic");
      assertThrows(ImageException.class, () -> pipeline.prepare(bad, "bad.heic"));
    }
    System.gc();
    long grown = residentKb() - before;
    // 300 leaked 1024x768 decodes would hold over 300 x 2.3 MB of RGB alone (plus libheif's YCbCr
    // planes)
    assertTrue(
        grown < 200_000,
        "resident memory grew by " + grown + " kB over 300 good and 300 bad decodes");
  }

  private String reason(byte[] bytes, String name) {
    return assertThrows(ImageException.class, () -> pipeline.prepare(bytes, name)).reason();
  }

  private static long residentKb() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("\\D", ""));
    }
    return 0;
  }

  /**
   * Pillow's DreamSim preprocessing (convert('RGB'), resize((224, 224), BICUBIC), /255, CHW) of a
   * PNG.
   */
  static float[] pillowTensor(Path png) throws IOException, InterruptedException {
    Path python = Path.of("/usr/bin/python3");
    Assumptions.assumeTrue(
        Files.isExecutable(python), "/usr/bin/python3 missing: Pillow parity skipped");
    Path out = Path.of(png + ".f32");
    String script =
        "import sys, numpy as np\nfrom PIL import Image\n"
            + "im = Image.open(sys.argv[1]).convert('RGB').resize((224, 224), Image.BICUBIC)\n"
            + "(np.asarray(im, dtype=np.float32).transpose(2, 0, 1) / 255.0).astype('<f4').tofile(sys.argv[2])\n";
    Process p =
        new ProcessBuilder(python.toString(), "-c", script, png.toString(), out.toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    Assumptions.assumeTrue(
        p.waitFor(2, TimeUnit.MINUTES) && p.exitValue() == 0,
        "Pillow/numpy unavailable (apt-get install python3-pil python3-numpy): parity skipped: "
            + output);
    float[] t = new float[TENSOR];
    ByteBuffer.wrap(Files.readAllBytes(out)).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(t);
    return t;
  }
}
