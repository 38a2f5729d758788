package dss.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The JPEG decoder choice: the system's TurboJPEG through FFM when installed (Java 22+), else
 * OpenCV. Both give Pillow's pixels and refuse bad files the same way; the fallback is exercised
 * even where TurboJPEG is installed.
 */
class JpegDecoderTest {
  /**
   * Where distributions install libturbojpeg.so.0: looked up here independently of the loader under
   * test.
   */
  private static final List<String> LIBRARY_DIRS =
      List.of(
          "/usr/lib/x86_64-linux-gnu",
          "/usr/lib/aarch64-linux-gnu",
          "/usr/lib64",
          "/usr/lib",
          "/lib/x86_64-linux-gnu",
          "/lib64");

  private static final String[] JPEGS = {
    "formats/baseline.jpg",
    "formats/progressive.jpg",
    "formats/grey.jpg",
    "parity/wide-1600x900.jpg",
    "parity/tall-720x1280.jpg",
    "parity/quarter-1440x1300.jpg"
  };

  private static boolean turboInstalled() {
    return Runtime.version().feature() >= 22
        && LIBRARY_DIRS.stream()
            .anyMatch(d -> Files.exists(Path.of(d, JpegDecoders.TURBOJPEG_LIBRARY)));
  }

  private static JpegDecoder turbo() {
    Assumptions.assumeTrue(
        turboInstalled(),
        "needs Java 22+ and libturbojpeg.so.0 (Debian: apt-get install libturbojpeg0): TurboJPEG tests skipped");
    return JpegDecoders.select(Runtime.version().feature(), JpegDecoders.TURBOJPEG_LIBRARY);
  }

  /** Every native decoder this machine has: TurboJPEG when installed, and OpenCV (the fallback). */
  static Stream<Named<JpegDecoder>> decoders() {
    List<Named<JpegDecoder>> all = new ArrayList<>();
    if (turboInstalled()) {
      all.add(
          Named.of(
              "turbojpeg",
              JpegDecoders.select(Runtime.version().feature(), JpegDecoders.TURBOJPEG_LIBRARY)));
    }
    if (OpenCvDecoder.available()) {
      all.add(Named.of("opencv", OpenCvDecoder.JPEG));
    }
    return all.stream();
  }

  @Test
  void turboJpegIsTheDecoderWhenInstalled() {
    turbo();
    assertTrue(
        new ImagePipeline().jpegDecoder().startsWith("turbojpeg (libturbojpeg.so.0"),
        new ImagePipeline().jpegDecoder());
  }

  @Test
  void fallsBackWithoutTurboJpeg() {
    JpegDecoder fallback = OpenCvDecoder.available() ? OpenCvDecoder.JPEG : null;
    assertSame(
        fallback, JpegDecoders.select(21, JpegDecoders.TURBOJPEG_LIBRARY), "Java 21: no FFM");
    assertSame(
        fallback, JpegDecoders.select(25, "libturbojpeg-absent.so.0"), "library not installed");
    assertSame(
        fallback, JpegDecoders.select(25, "libc.so.6"), "a library without TurboJPEG's functions");
    assertSame(fallback, JpegDecoders.select(25, "false"), "disabled with -Ddss.turbojpeg=false");
  }

  @Test
  void aFreshProcessWithTurboJpegDisabledDecodesThroughOpenCv() throws Exception {
    // the process-wide choice is made once, at class initialisation: check it in a new JVM
    Assumptions.assumeTrue(OpenCvDecoder.available(), "OpenCV unavailable on this platform");
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-Ddss.turbojpeg=false",
                "-cp",
                System.getProperty("java.class.path"),
                PrintJpegDecoder.class.getName())
            .redirectErrorStream(true)
            .start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertEquals(0, p.waitFor(), output);
    assertTrue(output.endsWith(OpenCvDecoder.JPEG.description()), output);
  }

  /** Prints the default pipeline's JPEG decoder (run in a child JVM). */
  static final class PrintJpegDecoder {
    public static void main(String[] args) {
      System.out.println(new ImagePipeline().jpegDecoder());
    }
  }

  @Test
  void turboJpegGivesOpenCvsPixelsAtEveryReduction() throws Exception {
    JpegDecoder turbo = turbo();
    Assumptions.assumeTrue(OpenCvDecoder.available(), "OpenCV unavailable on this platform");
    for (String name : JPEGS) {
      byte[] jpeg = Files.readAllBytes(Fixtures.path(name));
      for (int reduction : new int[] {1, 2, 4, 8}) {
        RgbImage a = turbo.decode(jpeg, reduction, name),
            b = OpenCvDecoder.JPEG.decode(jpeg, reduction, name);
        assertEquals(
            0, Fixtures.maxAbsDiff(a, b), name + " at 1/" + reduction); // same library, SIMD or not
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("decoders")
  void fullSizeDecodeIsPillows(JpegDecoder decoder) throws Exception {
    for (String name : new String[] {"baseline.jpg", "progressive.jpg", "grey.jpg"}) {
      RgbImage expected = Fixtures.png(Fixtures.path("formats/" + name + ".expected.png"));
      RgbImage actual =
          decoder.decode(Files.readAllBytes(Fixtures.path("formats/" + name)), 1, name);
      assertEquals(0, Fixtures.maxAbsDiff(expected, actual), name);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("decoders")
  void fastPathMatchesPillowsTensors(JpegDecoder decoder) throws Exception {
    ImagePipeline pipeline = new ImagePipeline(ImagePipeline.DEFAULT_MAX_PIXELS, true, decoder);
    for (String name :
        new String[] {"wide-1600x900.jpg", "tall-720x1280.jpg", "quarter-1440x1300.jpg"}) {
      float[] reference =
          Fixtures.tensor(Fixtures.png(Fixtures.path("parity/" + name + ".reference.png")));
      double diff =
          Fixtures.meanAbsDiff(
              reference, pipeline.prepare(Fixtures.path("parity/" + name)).tensor());
      assertTrue(diff <= 1.0 / 255, name + ": " + diff * 255 + "/255");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("decoders")
  void badJpegsAreRefusedWithTheReason(JpegDecoder decoder) {
    ImagePipeline pipeline = new ImagePipeline(ImagePipeline.DEFAULT_MAX_PIXELS, true, decoder);
    for (String name :
        new String[] {"truncated.jpg", "truncated-progressive.jpg", "header-only.jpg"}) {
      Path path = Fixtures.path("bad/" + name);
      ImageException e = assertThrows(ImageException.class, () -> pipeline.prepare(path));
      assertTrue(e.getMessage().startsWith(path + ": truncated JPEG"), e.getMessage());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"truncated.jpg", "truncated-progressive.jpg"})
  void turboJpegItselfRefusesTruncatedData(String name) throws Exception {
    // without the pipeline's structural check: TurboJPEG's "premature end" warning is an error here
    byte[] jpeg = Files.readAllBytes(Fixtures.path("bad/" + name));
    JpegDecoder turbo = turbo(); // skips (outside assertThrows) without libturbojpeg
    ImageException e = assertThrows(ImageException.class, () -> turbo.decode(jpeg, 1, name));
    assertEquals(name + ": truncated JPEG (Premature end of JPEG file)", e.getMessage());
  }

  /**
   * Damaged scan data that libjpeg conceals (a warning) is concealed differently at a reduced size
   * than at full size, which is Pillow's; on the TurboJPEG path such a file is decoded at full
   * size, so the fast pipeline gives exactly the full-size tensor (a damaged camera JPEG of
   * exif-samples: 1.36/255 from Pillow at 1/8 size, 0 now).
   */
  @Test
  void damagedScanDataIsDecodedAtFullSize() throws Exception {
    JpegDecoder turbo = turbo();
    byte[] jpeg = Files.readAllBytes(Fixtures.path("parity/wide-1600x900.jpg"));
    int scan = 0; // the first SOS marker: damage the entropy-coded data after it, not the header
    while (!(jpeg[scan] == (byte) 0xFF && jpeg[scan + 1] == (byte) 0xDA)) scan++;
    byte[] bad = jpeg.clone();
    for (int i = 0; i < 12; i++) {
      int at = scan + 400 + i * (jpeg.length - scan - 800) / 12;
      bad[at] = (byte) (bad[at] == 0x00 ? 0x5A : 0x00); // never creates a marker
    }
    assertEquals(
        2,
        ImagePipeline.reduction(1600, 900, ImagePipeline.JPEG_MIN_SIDE, false),
        "a reduced decode");
    float[] fast =
        new ImagePipeline(ImagePipeline.DEFAULT_MAX_PIXELS, true, turbo)
            .prepare(bad, "bad")
            .tensor();
    float[] full =
        new ImagePipeline(ImagePipeline.DEFAULT_MAX_PIXELS, false, turbo)
            .prepare(bad, "bad")
            .tensor();
    assertArrayEquals(full, fast);
    // and the undamaged file still takes the fast path (its tensor differs from the full-size one)
    float[] goodFast =
        new ImagePipeline(ImagePipeline.DEFAULT_MAX_PIXELS, true, turbo)
            .prepare(jpeg, "g")
            .tensor();
    float[] goodFull =
        new ImagePipeline(ImagePipeline.DEFAULT_MAX_PIXELS, false, turbo)
            .prepare(jpeg, "g")
            .tensor();
    assertFalse(java.util.Arrays.equals(goodFast, goodFull));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("decoders")
  void damagedBytesDecodeOrAreRefusedNeverThrownOut(JpegDecoder decoder) throws Exception {
    ImagePipeline pipeline = new ImagePipeline(ImagePipeline.DEFAULT_MAX_PIXELS, true, decoder);
    int refused = 0;
    for (String name : new String[] {"baseline.jpg", "progressive.jpg"}) {
      byte[] good = Files.readAllBytes(Fixtures.path("formats/" + name));
      Random random = new Random(42);
      for (int trial = 0; trial < 40; trial++) {
        byte[] bad = good.clone();
        for (int i = 0; i < 8; i++) {
          bad[8 + random.nextInt(bad.length - 8)] = (byte) random.nextInt(256);
        }
        try {
          assertEquals(3 * 224 * 224, pipeline.prepare(bad, "damaged-" + name).tensor().length);
        } catch (ImageException expected) {
          assertTrue(
              expected.getMessage().startsWith("damaged-" + name + ": "), expected.getMessage());
          refused++;
        }
      }
    }
    assertTrue(refused > 0, "some damaged headers must be refused");
  }

  @Test
  void turboJpegDecodesConcurrently() throws Exception {
    JpegDecoder turbo = turbo();
    byte[] jpeg = Files.readAllBytes(Fixtures.path("parity/wide-1600x900.jpg"));
    byte[] expected = turbo.decode(jpeg, 2, "wide").rgb();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<RgbImage>> results = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        results.add(pool.submit(() -> turbo.decode(jpeg, 2, "wide")));
      }
      for (Future<RgbImage> r : results) {
        assertArrayEquals(expected, r.get().rgb());
      }
    } finally {
      pool.shutdown();
    }
  }
}
