package dss.image;

import java.awt.image.BufferedImage;
import java.io.IOException;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.core.MatOfInt;
import org.opencv.imgcodecs.Imgcodecs;

/**
 * Lossy WebP encoding through OpenCV's bundled libwebp (neither the JDK nor TwelveMonkeys writes
 * WebP). Used to make WebP copies for the copy-detection set; needs OpenCV's native library.
 */
public final class WebpEncoder {
  private WebpEncoder() {}

  /** Encodes an RGB image at {@code quality} (1-100). */
  public static byte[] encode(BufferedImage image, int quality) throws IOException {
    if (!OpenCvDecoder.available()) {
      throw new IOException(
          "WebP encoding needs OpenCV's native library, which did not load on this platform");
    }
    int w = image.getWidth();
    int h = image.getHeight();
    byte[] bgr = new byte[w * h * 3];
    int[] row = new int[w];
    for (int y = 0, i = 0; y < h; y++) {
      image.getRGB(0, y, w, 1, row, 0, w);
      for (int rgb : row) {
        bgr[i++] = (byte) rgb;
        bgr[i++] = (byte) (rgb >> 8);
        bgr[i++] = (byte) (rgb >> 16);
      }
    }
    Mat mat = new Mat(h, w, CvType.CV_8UC3);
    MatOfByte out = new MatOfByte();
    try {
      mat.put(0, 0, bgr);
      if (!Imgcodecs.imencode(
          ".webp", mat, out, new MatOfInt(Imgcodecs.IMWRITE_WEBP_QUALITY, quality))) {
        throw new IOException("libwebp could not encode a " + w + "x" + h + " image");
      }
      return out.toArray();
    } finally {
      mat.release();
      out.release();
    }
  }
}
