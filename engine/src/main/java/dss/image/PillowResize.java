package dss.image;

import java.util.Arrays;

/**
 * Pillow's {@code Image.resize(size, BICUBIC)} for 8-bit RGB, reproduced bit for bit: a port of the algorithm of
 * Pillow's {@code src/libImaging/Resample.c} (9.x/10.x). Separable convolution with the bicubic kernel (a = -0.5)
 * whose support widens with the reduction factor (antialiasing); weights normalised per output pixel, then rounded
 * to fixed point with 22 fraction bits; horizontal pass first, then vertical, each result rounded and clipped to
 * 8 bits. Only the source rows the vertical pass needs go through the horizontal pass.
 */
final class PillowResize {
  private static final int PRECISION_BITS = 32 - 8 - 2;
  private static final int HALF = 1 << (PRECISION_BITS - 1);
  private static final double SUPPORT = 2.0;

  private PillowResize() {}

  /** Resizes the whole image, as {@code image.resize((outW, outH), Image.BICUBIC)}. */
  static RgbImage resize(RgbImage in, int outW, int outH) {
    return resize(in, 0f, 0f, in.width(), in.height(), outW, outH);
  }

  /**
   * Resizes the source region {@code box = (x0, y0, x1, y1)} (fractional pixel coordinates, as Pillow's
   * {@code box} argument) to {@code outW x outH}.
   */
  static RgbImage resize(RgbImage in, float x0, float y0, float x1, float y1, int outW, int outH) {
    boolean needHorizontal = outW != in.width() || x0 != 0 || x1 != outW;
    boolean needVertical = outH != in.height() || y0 != 0 || y1 != outH;
    Coefficients horizontal = Coefficients.of(in.width(), x0, x1, outW);
    Coefficients vertical = Coefficients.of(in.height(), y0, y1, outH);

    RgbImage image = in;
    if (needHorizontal) {
      // rows outside [first, last) never contribute to the output: skip them, shift the vertical bounds
      int first = vertical.bounds[0];
      int last = vertical.bounds[2 * outH - 2] + vertical.bounds[2 * outH - 1];
      for (int i = 0; i < outH; i++) {
        vertical.bounds[2 * i] -= first;
      }
      image = horizontalPass(image, first, last - first, horizontal, outW);
    }
    if (needVertical) {
      image = verticalPass(image, vertical, outH);
    }
    return image == in ? new RgbImage(in.width(), in.height(), in.rgb().clone()) : image;
  }

  private static RgbImage horizontalPass(RgbImage in, int firstRow, int rows, Coefficients c, int outW) {
    byte[] src = in.rgb();
    RgbImage out = new RgbImage(outW, rows);
    byte[] dst = out.rgb();
    int inStride = in.width() * 3;
    for (int y = 0; y < rows; y++) {
      int rowIn = (y + firstRow) * inStride;
      int o = y * outW * 3;
      for (int xx = 0; xx < outW; xx++) {
        int n = c.bounds[2 * xx + 1];
        int k = xx * c.ksize;
        int p = rowIn + c.bounds[2 * xx] * 3;
        int r = HALF, g = HALF, b = HALF;
        for (int x = 0; x < n; x++, p += 3) {
          int w = c.weights[k + x];
          r += (src[p] & 0xff) * w;
          g += (src[p + 1] & 0xff) * w;
          b += (src[p + 2] & 0xff) * w;
        }
        dst[o++] = clip8(r);
        dst[o++] = clip8(g);
        dst[o++] = clip8(b);
      }
    }
    return out;
  }

  private static RgbImage verticalPass(RgbImage in, Coefficients c, int outH) {
    byte[] src = in.rgb();
    int stride = in.width() * 3;
    RgbImage out = new RgbImage(in.width(), outH);
    byte[] dst = out.rgb();
    int[] acc = new int[stride];
    for (int yy = 0; yy < outH; yy++) {
      Arrays.fill(acc, HALF);
      int ymin = c.bounds[2 * yy];
      int n = c.bounds[2 * yy + 1];
      int k = yy * c.ksize;
      // row by row over the taps: sequential memory access, same integer sums as Pillow's column loop
      for (int y = 0; y < n; y++) {
        int w = c.weights[k + y];
        int row = (ymin + y) * stride;
        for (int i = 0; i < stride; i++) {
          acc[i] += (src[row + i] & 0xff) * w;
        }
      }
      int o = yy * stride;
      for (int i = 0; i < stride; i++) {
        dst[o + i] = clip8(acc[i]);
      }
    }
    return out;
  }

  private static byte clip8(int v) {
    int s = v >> PRECISION_BITS;
    return (byte) (s < 0 ? 0 : Math.min(s, 255));
  }

  private static double bicubic(double x) {
    final double a = -0.5;
    if (x < 0.0) {
      x = -x;
    }
    if (x < 1.0) {
      return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
    }
    if (x < 2.0) {
      return (((x - 5) * x + 8) * x - 4) * a;
    }
    return 0.0;
  }

  /** Per output pixel: first source index, tap count, and {@code ksize} fixed-point weights. */
  private record Coefficients(int ksize, int[] bounds, int[] weights) {
    static Coefficients of(int inSize, float in0, float in1, int outSize) {
      double scale = (double) (in1 - in0) / outSize;
      double filterScale = Math.max(scale, 1.0);
      double support = SUPPORT * filterScale;
      int ksize = (int) Math.ceil(support) * 2 + 1;
      int[] bounds = new int[outSize * 2];
      int[] weights = new int[outSize * ksize];
      double[] k = new double[ksize];
      for (int xx = 0; xx < outSize; xx++) {
        double center = in0 + (xx + 0.5) * scale;
        double ss = 1.0 / filterScale;
        int xmin = Math.max((int) (center - support + 0.5), 0);
        int xmax = Math.min((int) (center + support + 0.5), inSize) - xmin;
        double ww = 0.0;
        for (int x = 0; x < xmax; x++) {
          k[x] = bicubic((x + xmin - center + 0.5) * ss);
          ww += k[x];
        }
        for (int x = 0; x < xmax; x++) {
          double w = ww != 0.0 ? k[x] / ww : k[x];
          weights[xx * ksize + x] = (int) (w < 0 ? -0.5 + w * (1 << PRECISION_BITS) : 0.5 + w * (1 << PRECISION_BITS));
        }
        bounds[2 * xx] = xmin;
        bounds[2 * xx + 1] = xmax;
      }
      return new Coefficients(ksize, bounds, weights);
    }
  }
}
