package dss.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Byte-exact agreement with Pillow 9.4's resize((224, 224), BICUBIC) on committed fixtures. */
class PillowResizeTest {

  @ParameterizedTest
  @ValueSource(
      strings = {"photo-640x427", "photo-200x700", "noise-97x61", "noise-700x100", "noise-224x224"})
  void matchesPillowByteForByte(String name) {
    RgbImage src = Fixtures.png(Fixtures.path("resize/src-" + name + ".png"));
    RgbImage expected = Fixtures.png(Fixtures.path("resize/out-" + name + ".png"));
    RgbImage actual = PillowResize.resize(src, 224, 224);
    assertEquals(
        0,
        Fixtures.maxAbsDiff(expected, actual),
        "largest difference from Pillow, in 8-bit levels");
    assertArrayEquals(expected.rgb(), actual.rgb());
  }

  @ParameterizedTest
  @ValueSource(strings = {"photo-640x427", "noise-700x100"})
  void boxMatchesPillowByteForByte(String name) {
    // Pillow: im.resize((224, 224), BICUBIC, box=(0, 0, w - 0.75, h - 0.5)): the fractional region
    // of the fast path
    RgbImage src = Fixtures.png(Fixtures.path("resize/src-" + name + ".png"));
    RgbImage expected = Fixtures.png(Fixtures.path("resize/box-" + name + ".png"));
    RgbImage actual =
        PillowResize.resize(src, 0, 0, src.width() - 0.75f, src.height() - 0.5f, 224, 224);
    assertArrayEquals(expected.rgb(), actual.rgb());
  }
}
