package dss.image;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;

/**
 * 8-bit RGB pixels, interleaved R,G,B, row by row, no padding: the one pixel format between
 * decoding and resizing.
 */
record RgbImage(int width, int height, byte[] rgb) {
  RgbImage {
    if (rgb.length != width * height * 3) {
      throw new IllegalArgumentException(
          "RGB buffer of " + rgb.length + " bytes for " + width + "x" + height);
    }
  }

  RgbImage(int width, int height) {
    this(width, height, new byte[width * height * 3]);
  }

  BufferedImage toBufferedImage() {
    BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    int[] px = ((DataBufferInt) out.getRaster().getDataBuffer()).getData();
    for (int i = 0, p = 0; i < px.length; i++, p += 3) {
      px[i] = (rgb[p] & 0xff) << 16 | (rgb[p + 1] & 0xff) << 8 | (rgb[p + 2] & 0xff);
    }
    return out;
  }
}
