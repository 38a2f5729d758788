package dss.image;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * Test fixtures under src/test/resources/images (made by src/test/fixtures-src/make_fixtures.py)
 * and pixel maths.
 */
final class Fixtures {
  private Fixtures() {}

  static Path path(String relative) {
    try {
      return Path.of(Fixtures.class.getResource("/images/" + relative).toURI());
    } catch (URISyntaxException | NullPointerException e) {
      throw new IllegalStateException("missing fixture images/" + relative, e);
    }
  }

  /** An 8-bit RGB PNG written by Pillow, read with plain ImageIO (sRGB, no conversion involved). */
  static RgbImage png(Path file) {
    try {
      return rgb(ImageIO.read(file.toFile()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static RgbImage rgb(BufferedImage im) {
    RgbImage out = new RgbImage(im.getWidth(), im.getHeight());
    byte[] px = out.rgb();
    for (int y = 0, o = 0; y < im.getHeight(); y++) {
      for (int x = 0; x < im.getWidth(); x++) {
        int c = im.getRGB(x, y);
        px[o++] = (byte) (c >> 16);
        px[o++] = (byte) (c >> 8);
        px[o++] = (byte) c;
      }
    }
    return out;
  }

  /** Mean absolute difference in 8-bit levels. */
  static double meanAbsDiff(RgbImage a, RgbImage b) {
    assertSameSize(a, b);
    long sum = 0;
    for (int i = 0; i < a.rgb().length; i++) {
      sum += Math.abs((a.rgb()[i] & 0xff) - (b.rgb()[i] & 0xff));
    }
    return sum / (double) a.rgb().length;
  }

  static int maxAbsDiff(RgbImage a, RgbImage b) {
    assertSameSize(a, b);
    int max = 0;
    for (int i = 0; i < a.rgb().length; i++) {
      max = Math.max(max, Math.abs((a.rgb()[i] & 0xff) - (b.rgb()[i] & 0xff)));
    }
    return max;
  }

  /** A 224x224 reference image as the tensor numpy would make of it: CHW, value / 255. */
  static float[] tensor(RgbImage im) {
    int plane = im.width() * im.height();
    float[] t = new float[3 * plane];
    for (int i = 0; i < plane; i++) {
      for (int c = 0; c < 3; c++) {
        t[c * plane + i] = (im.rgb()[i * 3 + c] & 0xff) / 255f;
      }
    }
    return t;
  }

  static double meanAbsDiff(float[] a, float[] b) {
    assertEquals(a.length, b.length, "tensor lengths");
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      sum += Math.abs(a[i] - b[i]);
    }
    return sum / a.length;
  }

  private static void assertSameSize(RgbImage a, RgbImage b) {
    assertEquals(a.width() + "x" + a.height(), b.width() + "x" + b.height(), "image sizes");
  }
}
