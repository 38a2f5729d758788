package dss.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Files from public corpora nobody here wrote (Pillow's test images, libheif's examples and fuzzing
 * corpus, av1-avif's test files, libjpeg-turbo's test images, exif-orientation-examples), vendored
 * under {@code resources/corpora} by {@code fixtures-src/corpora.py} with MANIFEST.tsv naming each
 * file's repository, path, commit, licence and expected outcome. Each file must be indexed within
 * 1/255 of Pillow's reference preprocessing (committed as a PNG: EXIF-transposed, RGB, 224x224
 * bicubic; for HEIC/AVIF of heif-convert's PNG), or fail with the named reason, or be skipped as
 * not an image of a supported format, with what it is.
 */
class CorpusTest {
  /**
   * Mean absolute difference from Pillow's reference, in 8-bit levels (the documented parity
   * limit).
   */
  static final double LIMIT = 1.0;

  /**
   * Java's own text, which must never reach a user: class and exception names, casts, array
   * indices.
   */
  static final Pattern JAVA_TEXT =
      Pattern.compile(
          "(java|javax|sun|com\\.twelvemonkeys)\\.|Exception|\\bclass \\[|[Ii]ndex -?\\d+ out of bounds|NullPointer");

  record Entry(
      String file,
      String corpus,
      String repository,
      String path,
      String commit,
      String licence,
      String expected,
      String reference,
      String note) {
    Path local() {
      return corpora().resolve(file);
    }

    String kind() {
      return expected.contains(":") ? expected.substring(0, expected.indexOf(':')) : expected;
    }

    String detail() {
      return expected.substring(expected.indexOf(':') + 1).strip();
    }

    boolean heifFamily() {
      String f = file.toLowerCase(Locale.ROOT);
      return f.endsWith(".heic") || f.endsWith(".heif") || f.endsWith(".avif");
    }
  }

  static Path corpora() {
    try {
      return Path.of(CorpusTest.class.getResource("/corpora/MANIFEST.tsv").toURI()).getParent();
    } catch (URISyntaxException | NullPointerException e) {
      throw new IllegalStateException("missing resources/corpora/MANIFEST.tsv", e);
    }
  }

  static List<Entry> manifest() throws IOException {
    List<Entry> out = new ArrayList<>();
    List<String> lines = Files.readAllLines(corpora().resolve("MANIFEST.tsv"));
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split("\t", -1);
      assertEquals(9, f.length, "MANIFEST.tsv columns: " + line);
      out.add(new Entry(f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8]));
    }
    return out;
  }

  private final ImagePipeline pipeline = new ImagePipeline();
  private final boolean heif = HeifDecoders.standard().decoder() != null;

  @TestFactory
  Stream<DynamicTest> eachFileHasItsExpectedOutcome() throws IOException {
    return manifest().stream()
        .map(e -> DynamicTest.dynamicTest(e.file() + ": " + e.expected(), () -> check(e)));
  }

  private void check(Entry e) throws Exception {
    Path file = e.local();
    byte[] bytes = Files.readAllBytes(file);
    switch (e.kind()) {
      case "indexed" -> {
        assumeTrue(
            !e.heifFamily() || heif,
            "libheif (Java 22+, libheif1) is not available: HEIC/AVIF not decoded");
        PreparedImage p = pipeline.prepare(file);
        float[] reference = Fixtures.tensor(Fixtures.png(Path.of(file + ".reference.png")));
        double diff = levels(reference, p.tensor());
        assertTrue(
            diff <= LIMIT,
            e.file() + ": " + String.format(Locale.ROOT, "%.3f", diff) + "/255 from Pillow");
        // an upload of the same bytes comes out the same
        assertArrayEquals(
            p.tensor(), pipeline.prepare(bytes, e.file()).tensor(), e.file() + " as an upload");
        if (FormatSniffer.sniff(head(bytes)).equals("jpeg")
            && OpenCvDecoder.available()) { // the fallback decoder too
          PreparedImage viaOpenCv =
              new ImagePipeline(ImagePipeline.DEFAULT_MAX_PIXELS, true, OpenCvDecoder.JPEG)
                  .prepare(file);
          assertTrue(levels(reference, viaOpenCv.tensor()) <= LIMIT, e.file() + " through OpenCV");
        }
      }
      case "failed" -> {
        assumeTrue(!e.heifFamily() || heif, "libheif (Java 22+, libheif1) is not available");
        ImageException x =
            assertThrows(ImageException.class, () -> pipeline.prepare(file), e.file());
        assertTrue(
            x.reason().startsWith(e.detail()),
            e.file() + ": expected \"" + e.detail() + "...\", got \"" + x.reason() + "\"");
        ImageException upload =
            assertThrows(ImageException.class, () -> pipeline.prepare(bytes, e.file()));
        assertTrue(
            upload.reason().startsWith(e.detail()), e.file() + " as an upload: " + upload.reason());
      }
      case "skipped" -> {
        String name = file.getFileName().toString();
        assertNull(FormatSniffer.sniff(head(bytes)), e.file() + " is recognised as an image");
        assertFalse(
            FormatSniffer.namedLikeImage(name), e.file() + " is named like a supported image");
        assertEquals(e.detail(), OtherFormats.reason(head(bytes), name));
      }
      default -> throw new AssertionError("unknown outcome in MANIFEST.tsv: " + e.expected());
    }
  }

  /**
   * Every failure over the subset (each file not expected to be indexed, which the test above
   * decodes), as a file and as an upload, is a sentence without Java's own text.
   */
  @Test
  void noFailureReasonCarriesJavaText() throws IOException {
    int failures = 0;
    for (Entry entry : manifest()) {
      if (entry.kind().equals("indexed")) continue;
      Path file = entry.local();
      for (int upload = 0; upload < 2; upload++) {
        try {
          if (upload == 0) pipeline.prepare(file);
          else pipeline.prepare(Files.readAllBytes(file), file.getFileName().toString());
        } catch (ImageException e) {
          failures++;
          assertFalse(
              JAVA_TEXT.matcher(e.reason()).find(), "Java text in the reason: " + e.getMessage());
          assertFalse(e.reason().isBlank(), file.toString());
        }
      }
    }
    assertTrue(
        failures >= 20, "failures seen: " + failures); // the check must have had something to check
  }

  @Test
  void theFilterOfJavaTextWouldCatchWhatItIsFor() {
    for (String leaked :
        List.of(
            "cannot decode bmp image (java.lang.ArrayIndexOutOfBoundsException: Index 102 out"
                + " of bounds for length 101)",
            "class java.io.EOFException cannot be cast to class [B")) {
      assertTrue(JAVA_TEXT.matcher(leaked).find(), leaked);
      assertFalse(JAVA_TEXT.matcher(DecoderMessages.of(new RuntimeException(leaked))).find());
    }
  }

  /**
   * The manifest and the folder agree, and every file says where it comes from and under which
   * licence.
   */
  @Test
  void everyVendoredFileIsListedWithItsSource() throws IOException {
    Set<String> listed = new TreeSet<>();
    for (Entry e : manifest()) {
      assertTrue(listed.add(e.file()), "listed twice: " + e.file());
      assertTrue(Files.isRegularFile(e.local()), "missing: " + e.file());
      assertTrue(e.commit().matches("[0-9a-f]{40}"), e.file() + ": commit " + e.commit());
      assertFalse(
          e.licence().isBlank() || e.repository().isBlank() || e.path().isBlank(), e.file());
      assertEquals(
          e.kind().equals("indexed"),
          Files.isRegularFile(Path.of(e.local() + ".reference.png")),
          e.file() + ": a reference exactly for the files to be indexed");
    }
    Set<String> present = new TreeSet<>();
    try (Stream<Path> files = Files.walk(corpora())) {
      files
          .filter(Files::isRegularFile)
          .map(f -> corpora().relativize(f).toString())
          .filter(
              f ->
                  !f.equals("MANIFEST.tsv")
                      && !f.equals("README.md")
                      && !f.endsWith(".reference.png"))
          .forEach(present::add);
    }
    assertEquals(listed, present);
    assertTrue(manifest().stream().filter(e -> e.kind().equals("indexed")).count() >= 30);
  }

  private static byte[] head(byte[] bytes) {
    return java.util.Arrays.copyOf(bytes, Math.min(bytes.length, FormatSniffer.HEAD_BYTES));
  }

  /** Mean absolute difference of two tensors in 8-bit levels. */
  static double levels(float[] a, float[] b) {
    assertNotNull(b);
    assertEquals(a.length, b.length);
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      sum += Math.abs(a[i] - b[i]);
    }
    return sum / a.length * 255;
  }
}
