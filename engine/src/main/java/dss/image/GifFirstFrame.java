package dss.image;

/**
 * The first frame of a GIF as Pillow shows it, read here rather than by JDK ImageIO, whose reader
 * returns the frame without its logical screen and refuses LZW code sizes above 8 (Pillow reads up
 * to 11).
 *
 * <p>Pillow's rules, followed here: the image is the logical screen (enlarged when the frame
 * reaches past it); the frame is drawn at its offset; the rest is filled with the frame's
 * transparent colour index when it has one, else index 0; {@code convert('RGB')} maps indices
 * through the frame's palette (local, else global; a grey ramp beyond the file's colours, or for
 * all of them without a palette) and ignores transparency. Image data cut off by the end of the
 * file is refused; LZW data that ends early leaves the rest of the frame at the fill colour, as in
 * Pillow.
 */
final class GifFirstFrame {
  private static final int MAX_CODES = 4096;

  private GifFirstFrame() {}

  /**
   * Where the first frame lies, its palette and transparent index, and where its image data starts.
   */
  private record Frame(
      int width,
      int height,
      int left,
      int top,
      int frameWidth,
      int frameHeight,
      boolean interlaced,
      int[] lut,
      int transparent,
      int dataStart) {}

  /** Width and height of the decoded image (the screen, or more), without decoding pixels. */
  static int[] size(byte[] b, String name) throws ImageException {
    Frame f = firstFrame(b, name);
    return new int[] {f.width, f.height};
  }

  static RgbImage decode(byte[] b, String name) throws ImageException {
    Frame f = firstFrame(b, name);
    byte[] indices = new byte[f.frameWidth * f.frameHeight];
    java.util.Arrays.fill(indices, (byte) (f.transparent >= 0 ? f.transparent : 0));
    lzw(b, f.dataStart, indices, name);
    int fill = f.lut[f.transparent >= 0 ? f.transparent : 0];
    RgbImage out = new RgbImage(f.width, f.height);
    byte[] rgb = out.rgb();
    for (int i = 0; i < rgb.length; i += 3) {
      put(rgb, i, fill);
    }
    for (int row = 0; row < f.frameHeight; row++) {
      int y = f.top + (f.interlaced ? interlacedRow(row, f.frameHeight) : row);
      for (int x = 0; x < f.frameWidth; x++) {
        put(rgb, (y * f.width + f.left + x) * 3, f.lut[indices[row * f.frameWidth + x] & 0xff]);
      }
    }
    return out;
  }

  private static void put(byte[] rgb, int at, int colour) {
    rgb[at] = (byte) (colour >> 16);
    rgb[at + 1] = (byte) (colour >> 8);
    rgb[at + 2] = (byte) colour;
  }

  /**
   * The image row of the n-th stored row of an interlaced frame (passes: every 8th from 0, 8th from
   * 4, 4th from 2, 2nd from 1).
   */
  private static int interlacedRow(int n, int height) {
    int pass1 = (height + 7) / 8, pass2 = (height + 3) / 8, pass3 = (height + 1) / 4;
    if (n < pass1) return n * 8;
    n -= pass1;
    if (n < pass2) return 4 + n * 8;
    n -= pass2;
    if (n < pass3) return 2 + n * 4;
    return 1 + (n - pass3) * 2;
  }

  private static Frame firstFrame(byte[] b, String name) throws ImageException {
    if (b.length < 13) {
      throw corrupt(name, "the file ends inside its header");
    }
    int screenWidth = u16(b, 6), screenHeight = u16(b, 8);
    int p = 13;
    int[] global = null;
    if ((b[10] & 0x80) != 0) {
      global = palette(b, p, 2 << (b[10] & 7), name);
      p += 3 * (2 << (b[10] & 7));
    }
    int transparent = -1;
    while (p < b.length) {
      int block = b[p] & 0xff;
      if (block == 0x21) { // extension: the graphic control extension carries the transparent index
        if (p + 2 >= b.length) {
          break;
        }
        if ((b[p + 1] & 0xff) == 0xF9 && (b[p + 2] & 0xff) >= 4 && p + 6 < b.length) {
          transparent = (b[p + 3] & 1) != 0 ? b[p + 6] & 0xff : -1;
        }
        p = skipSubBlocks(b, p + 2);
      } else if (block == 0x2C) { // image descriptor
        if (p + 10 > b.length) {
          break;
        }
        int left = u16(b, p + 1), top = u16(b, p + 3), w = u16(b, p + 5), h = u16(b, p + 7);
        int flags = b[p + 9] & 0xff;
        p += 10;
        int[] lut = global;
        if ((flags & 0x80) != 0) {
          lut = palette(b, p, 2 << (flags & 7), name);
          p += 3 * (2 << (flags & 7));
        }
        return new Frame(
            Math.max(screenWidth, left + w),
            Math.max(screenHeight, top + h),
            left,
            top,
            w,
            h,
            (flags & 0x40) != 0,
            withRamp(lut),
            transparent,
            p);
      } else if (block == 0x3B) { // trailer
        throw corrupt(name, "it holds no image");
      } else {
        p++; // a stray byte between blocks: Pillow skips it too
      }
    }
    throw corrupt(name, "the file ends before its first image");
  }

  private static int[] palette(byte[] b, int at, int entries, String name) throws ImageException {
    if (at + 3 * entries > b.length) {
      throw corrupt(name, "the file ends inside its colour table");
    }
    int[] lut = new int[entries];
    for (int i = 0; i < entries; i++) {
      lut[i] =
          (b[at + 3 * i] & 0xff) << 16
              | (b[at + 3 * i + 1] & 0xff) << 8
              | (b[at + 3 * i + 2] & 0xff);
    }
    return lut;
  }

  /** 256 colours: the file's, then Pillow's default palette, a grey ramp. */
  private static int[] withRamp(int[] colours) {
    int[] lut = new int[256];
    for (int i = 0; i < 256; i++) {
      lut[i] = colours != null && i < colours.length ? colours[i] : i << 16 | i << 8 | i;
    }
    return lut;
  }

  /** The position after a chain of data sub-blocks starting at {@code p} (or the file's end). */
  private static int skipSubBlocks(byte[] b, int p) {
    while (p < b.length && b[p] != 0) {
      p += (b[p] & 0xff) + 1;
    }
    return p + 1;
  }

  /**
   * Decodes the LZW image data at {@code p} (minimum code size, then sub-blocks) into {@code out}.
   */
  private static void lzw(byte[] b, int p, byte[] out, String name) throws ImageException {
    if (p >= b.length) {
      throw truncated(name);
    }
    int minCodeSize = b[p++] & 0xff;
    if (minCodeSize < 1 || minCodeSize > 11) {
      throw corrupt(
          name, "its LZW code size is " + minCodeSize + ", above the 11 any decoder reads");
    }
    // the sub-blocks' bytes, concatenated: the code stream
    java.io.ByteArrayOutputStream data = new java.io.ByteArrayOutputStream();
    while (true) {
      if (p >= b.length) {
        throw truncated(name);
      }
      int n = b[p++] & 0xff;
      if (n == 0) {
        break;
      }
      if (p + n > b.length) {
        throw truncated(name);
      }
      data.write(b, p, n);
      p += n;
    }
    byte[] codes = data.toByteArray();
    int clear = 1 << minCodeSize, end = clear + 1;
    int[] prefix = new int[MAX_CODES];
    byte[] suffix = new byte[MAX_CODES];
    byte[] stack = new byte[MAX_CODES + 1];
    for (int i = 0; i < clear; i++) {
      suffix[i] = (byte) i;
    }
    int codeSize = minCodeSize + 1, next = clear + 2, old = -1, first = 0;
    long bitPos = 0, totalBits = (long) codes.length * 8;
    int o = 0;
    while (o < out.length && bitPos + codeSize <= totalBits) {
      int code = 0;
      for (int i = 0; i < codeSize; i++, bitPos++) {
        code |= ((codes[(int) (bitPos >> 3)] >> (bitPos & 7)) & 1) << i;
      }
      if (code == clear) {
        codeSize = minCodeSize + 1;
        next = clear + 2;
        old = -1;
        continue;
      }
      if (code == end) {
        break;
      }
      int sp = 0, in = code;
      if (old == -1) {
        if (code >= clear) {
          throw corrupt(name, "its image data is damaged (bad LZW code)");
        }
        first = code;
        out[o++] = (byte) code;
        old = code;
        continue;
      }
      if (code > next || (code == next && next >= MAX_CODES)) {
        throw corrupt(name, "its image data is damaged (bad LZW code)");
      }
      if (code == next) { // the entry being defined: previous string plus its own first byte
        stack[sp++] = (byte) first;
        code = old;
      }
      while (code >= clear) {
        stack[sp++] = suffix[code];
        code = prefix[code];
      }
      first = code;
      stack[sp++] = (byte) first;
      if (next < MAX_CODES) {
        prefix[next] = old;
        suffix[next] = (byte) first;
        next++;
        if (next == 1 << codeSize && codeSize < 12) {
          codeSize++;
        }
      }
      old = in;
      while (sp > 0 && o < out.length) {
        out[o++] = stack[--sp];
      }
    }
  }

  private static int u16(byte[] b, int at) {
    return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8;
  }

  private static ImageException corrupt(String name, String why) {
    return new ImageException(name, "corrupt GIF (" + why + ")");
  }

  private static ImageException truncated(String name) {
    return new ImageException(name, "truncated GIF (the file ends inside the image data)");
  }
}
