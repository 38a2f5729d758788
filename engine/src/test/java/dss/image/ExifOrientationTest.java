package dss.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** orientation-N.jpg (copies of the sample data's exif/ folder) all come out upright, equal to expected.png (300x200). */
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
    assertTrue(Fixtures.meanAbsDiff(reference, prepared.tensor()) < 3.0 / 255, "tensor of the upright image");
  }
}
