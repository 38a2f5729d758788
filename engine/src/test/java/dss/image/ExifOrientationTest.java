package dss.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * orientation-N.jpg (copies of the sample data's exif/ folder) all come out upright, equal to
 * expected.png (300x200). HEIC: libheif's irot/imir transformations are applied, the EXIF tag never
 * (as pillow-heif).
 */
class ExifOrientationTest {
  private final ImagePipeline pipeline = new ImagePipeline();

  @ParameterizedTest(name = "orientation {0}")
  @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8})
  void comesOutUpright(int orientation) throws Exception {
    var file = Fixtures.path("exif/orientation-" + orientation + ".jpg");
    RgbImage expected = Fixtures.png(Fixtures.path("exif/expected.png"));
    RgbImage actual = Fixtures.rgb(pipeline.decodeOriented(file, 1000));
    double mean = Fixtures.meanAbsDiff(expected, actual);
    assertTrue(mean < 3.0, "mean difference from expected.png (JPEG noise allowed): " + mean);

    PreparedImage prepared = pipeline.prepare(file);
    assertEquals(300, prepared.width(), "width after orientation");
    assertEquals(200, prepared.height(), "height after orientation");
    float[] reference = Fixtures.tensor(PillowResize.resize(expected, 224, 224));
    assertTrue(
        Fixtures.meanAbsDiff(reference, prepared.tensor()) < 3.0 / 255,
        "tensor of the upright image");
  }

  /**
   * heif-enc copies orientation-N.jpg's stored pixels and its EXIF (tag N) without writing
   * irot/imir: the HEIC decodes as stored, not turned by the tag, exactly as libheif's heif-convert
   * gives it (and pillow-heif, which resets the tag to 1).
   */
  @ParameterizedTest(name = "HEIC with EXIF orientation {0} only")
  @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8})
  void heicExifOrientationAloneIsNotApplied(int orientation, @TempDir Path tmp) throws Exception {
    HeifFiles.assumeTools();
    Path heic =
        HeifFiles.encode(
            Fixtures.path("exif/orientation-" + orientation + ".jpg"), tmp.resolve("o.heic"));
    RgbImage stored = Fixtures.png(HeifFiles.convert(heic, tmp.resolve("o.png")));
    RgbImage actual = Fixtures.rgb(pipeline.decodeOriented(heic, 1000));
    assertEquals(0, Fixtures.maxAbsDiff(stored, actual), "the stored pixels, untouched");
    PreparedImage prepared = pipeline.prepare(heic);
    assertEquals(
        (orientation >= 5 ? 200 : 300) + "x" + (orientation >= 5 ? 300 : 200),
        prepared.width() + "x" + prepared.height(),
        "stored size");
  }

  /**
   * As a phone writes it: the stored pixels of orientation-N.jpg, its EXIF tag N kept, and the
   * equivalent irot (anti-clockwise quarter turns) then imir (libheif 1.15: 1 mirrors left-right, 0
   * top-bottom) properties. The transformations turn it upright once; the tag must not turn it
   * again.
   */
  @ParameterizedTest(name = "HEIC orientation {0} as irot {1}, imir {2}")
  @CsvSource({"2, 0, 1", "3, 2, -1", "4, 0, 0", "5, 3, 1", "6, 3, -1", "7, 3, 0", "8, 1, -1"})
  void heicIrotAndImirAreAppliedOnce(
      int orientation, int quarterTurns, int mirror, @TempDir Path tmp) throws Exception {
    HeifFiles.assumeTools();
    byte[] plain =
        Files.readAllBytes(
            HeifFiles.encode(
                Fixtures.path("exif/orientation-" + orientation + ".jpg"), tmp.resolve("o.heic")));
    java.util.List<byte[]> boxes = new java.util.ArrayList<>();
    if (quarterTurns != 0) boxes.add(HeifFiles.irot(quarterTurns));
    if (mirror >= 0) boxes.add(HeifFiles.imir(mirror));
    Path heic =
        Files.write(
            tmp.resolve("turned.heic"),
            HeifFiles.withProperties(plain, boxes.toArray(byte[][]::new)));

    RgbImage expected = Fixtures.png(Fixtures.path("exif/expected.png"));
    assertTrue(
        Fixtures.meanAbsDiff(expected, Fixtures.png(HeifFiles.convert(heic, tmp.resolve("t.png"))))
            < 3.0,
        "the test file itself: libheif's heif-convert shows it upright");
    RgbImage actual = Fixtures.rgb(pipeline.decodeOriented(heic, 1000));
    double mean = Fixtures.meanAbsDiff(expected, actual);
    assertTrue(mean < 3.0, "mean difference from expected.png (HEVC noise allowed): " + mean);
    PreparedImage prepared = pipeline.prepare(heic);
    assertEquals("300x200", prepared.width() + "x" + prepared.height(), "upright size");
    float[] reference = Fixtures.tensor(PillowResize.resize(expected, 224, 224));
    assertTrue(
        Fixtures.meanAbsDiff(reference, prepared.tensor()) < 3.0 / 255,
        "tensor of the upright image");
  }
}
