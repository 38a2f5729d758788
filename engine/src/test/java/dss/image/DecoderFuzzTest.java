package dss.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Hostile bytes against every decoder entry point: each input either decodes or is refused with an
 * {@link ImageException}; anything else escaping (a RuntimeException, an Error, a hang) is a bug.
 *
 * <p>The normal test run replays the checked-in corpus
 * (resources/dss/image/DecoderFuzzTestInputs/METHOD/, seeded with the truncated, corrupt, bomb and
 * empty files of the bad-input tests). To fuzz for new inputs: {@code JAZZER_FUZZ=1 ./dreamsim test
 * -pl engine -am -Dtest=DecoderFuzzTest#prepare -Dsurefire.failIfNoSpecifiedTests=false} (one hour;
 * ten minutes for the other methods). Findings land beside the corpus as crash files that then
 * replay in every run; the inputs the fuzzer found interesting go to engine/.cifuzz-corpus/ (not
 * committed).
 */
class DecoderFuzzTest {
  /**
   * A small pixel budget: a fuzzer easily writes headers of huge images, which must be refused, not
   * decoded.
   */
  private static final ImagePipeline PIPELINE = new ImagePipeline(4_000_000L);

  @FuzzTest(maxDuration = "1h")
  void prepare(byte[] data) {
    try {
      PreparedImage image = PIPELINE.prepare(data, "fuzz");
      assertEquals(3 * 224 * 224, image.tensor().length);
      assertTrue(image.width() > 0 && image.height() > 0);
    } catch (ImageException expected) {
      assertTrue(expected.getMessage().startsWith("fuzz: "), expected.getMessage());
    }
  }

  @FuzzTest(maxDuration = "10m")
  void sniff(byte[] data) {
    String format = FormatSniffer.sniff(data);
    assertTrue(format == null || format.matches("[a-z]+"), format);
  }

  @FuzzTest(maxDuration = "10m")
  void rawPreview(byte[] data) {
    try {
      RawPreview.Preview preview = RawPreview.find(data, "fuzz");
      assertTrue(preview == null || preview.jpeg().length > 0 && preview.orientation() >= 1);
    } catch (ImageException expected) {
      assertTrue(expected.getMessage().startsWith("fuzz: "), expected.getMessage());
    }
  }

  @FuzzTest(maxDuration = "10m")
  void jpegHeader(byte[] data) {
    try {
      JpegHeader header = JpegHeader.parse(java.nio.ByteBuffer.wrap(data), "fuzz");
      assertTrue(header.width() >= 0 && header.height() >= 0);
    } catch (ImageException expected) {
      // refused with a reason: fine
    }
  }

  @FuzzTest(maxDuration = "10m")
  void exifOrientation(byte[] data) {
    for (String format : new String[] {"jpeg", "png", "webp", "tiff"}) {
      int orientation = Orientation.read(java.nio.ByteBuffer.wrap(data), format);
      assertTrue(orientation >= 1 && orientation <= 8, "orientation " + orientation);
    }
  }
}
