package dss.image;

import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * The general decoder: JDK ImageIO with the TwelveMonkeys plugins (JPEG incl. CMYK/YCCK, WebP,
 * TIFF), first image of the file only. Pixels come out with the semantics of Pillow's {@code
 * convert('RGB')}: alpha dropped (not composited), palette expanded, grey replicated, 16-bit
 * samples reduced to their high byte, except 16-bit grey without alpha, which Pillow clips at 255
 * (its modes I and I;16); no colour management.
 */
final class ImageIoDecoder {
  static {
    ImageIO.setUseCache(false); // decode in memory, never through temporary files
  }

  private ImageIoDecoder() {}

  /**
   * Width and height from the file's header, without decoding pixels: what decoding will allocate.
   */
  static int[] dimensions(byte[] bytes, String format, String name) throws ImageException {
    if (format.equals(
        "gif")) { // the logical screen and the first frame (a 161-byte fuzzed file reaches 51234 x
      // 56163)
      return GifFirstFrame.size(bytes, name);
    }
    return withReader(bytes, format, name, r -> new int[] {r.getWidth(0), r.getHeight(0)});
  }

  static RgbImage decode(byte[] bytes, String format, String name) throws ImageException {
    if (format.equals("gif")) {
      return GifFirstFrame.decode(bytes, name);
    }
    return toRgb(
        withReader(bytes, format, name, r -> r.read(0)),
        format.equals("png") && isGrey16Png(bytes));
  }

  /**
   * A 16-bit grey PNG (colour type 0), with or without a tRNS chunk: Pillow opens it as mode I
   * whatever its transparency, so its {@code convert('RGB')} clips at 255; ImageIO adds an alpha
   * band for the tRNS.
   */
  private static boolean isGrey16Png(byte[] b) {
    return b.length > 25 && b[24] == 16 && b[25] == 0;
  }

  /**
   * A four-component (Adobe CMYK or YCCK) JPEG as Pillow converts it: without colour management.
   * The reader would convert through an embedded ICC profile (13.8/255 from Pillow on a CMYK photo
   * with Ghostscript's default CMYK profile), so the profile's APP2 segments are left out first;
   * without one it matches Pillow to about 0.5/255.
   */
  static RgbImage decodeCmykJpeg(byte[] bytes, String name) throws ImageException {
    return decode(withoutIccProfile(bytes), "jpeg", name);
  }

  /** The JPEG without its APP2 "ICC_PROFILE" segments (the same array when it has none). */
  private static byte[] withoutIccProfile(byte[] b) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(b.length);
    out.write(b, 0, 2);
    int p = 2;
    boolean dropped = false;
    while (p + 4 <= b.length && (b[p] & 0xff) == 0xFF && (b[p + 1] & 0xff) != 0xDA) {
      int end = Math.min(b.length, p + 2 + ((b[p + 2] & 0xff) << 8 | (b[p + 3] & 0xff)));
      boolean icc =
          (b[p + 1] & 0xff) == 0xE2
              && end - p >= 16
              && new String(b, p + 4, 12, java.nio.charset.StandardCharsets.ISO_8859_1)
                  .equals("ICC_PROFILE\0");
      if (icc) {
        dropped = true;
      } else {
        out.write(b, p, end - p);
      }
      p = end;
    }
    if (!dropped) {
      return b;
    }
    out.write(b, p, b.length - p);
    return out.toByteArray();
  }

  private interface ReaderJob<T> {
    T run(ImageReader reader) throws IOException;
  }

  private static <T> T withReader(byte[] bytes, String format, String name, ReaderJob<T> job)
      throws ImageException {
    Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format);
    if (!readers.hasNext()) {
      throw new ImageException(name, "no decoder for " + format + " images");
    }
    ImageReader reader = readers.next();
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
      reader.setInput(in, true, true);
      return job.run(reader);
    } catch (IOException | RuntimeException e) {
      throw new ImageException(
          name, "corrupt or truncated " + format + " image (" + DecoderMessages.of(e) + ")", e);
    } finally {
      reader.dispose();
    }
  }

  /**
   * Pillow's convert('RGB') of a decoded image; colour-managed {@code getRGB} only for non-RGB,
   * non-grey spaces.
   */
  static RgbImage toRgb(BufferedImage image) {
    return toRgb(image, false);
  }

  /**
   * @param modeI 16-bit grey whose alpha band (if any) comes from a tRNS chunk, not the image:
   *     clipped as Pillow's mode I is
   */
  static RgbImage toRgb(BufferedImage image, boolean modeI) {
    int w = image.getWidth(), h = image.getHeight();
    RgbImage out = new RgbImage(w, h);
    byte[] rgb = out.rgb();
    ColorModel cm = image.getColorModel();
    Raster raster = image.getRaster();
    int bands = raster.getNumBands();
    int[] row = new int[w * bands];
    if (cm instanceof IndexColorModel palette) {
      int[] lut = new int[palette.getMapSize()];
      palette.getRGBs(lut);
      for (int y = 0, o = 0; y < h; y++) {
        raster.getPixels(0, y, w, 1, row);
        for (int x = 0; x < w; x++) {
          int c = lut[row[x]];
          rgb[o++] = (byte) (c >> 16);
          rgb[o++] = (byte) (c >> 8);
          rgb[o++] = (byte) c;
        }
      }
    } else if (cm.getNumColorComponents() == 1
        || cm.getColorSpace().getType() == java.awt.color.ColorSpace.TYPE_RGB) {
      boolean grey = cm.getNumColorComponents() == 1;
      // Pillow opens 16-bit grey without alpha as mode I (PNG) or I;16 (TIFF), whose convert('RGB')
      // clips at 255 rather than scaling; 16-bit grey with alpha and 16-bit RGB(A) keep the high
      // byte
      boolean clip = grey && (!cm.hasAlpha() || modeI) && cm.getComponentSize(0) > 8;
      // associated (premultiplied) alpha, as TIFF's ExtraSamples 1 stores it: Pillow
      // unpremultiplies its high bytes (v * 255 / a, truncated; 0 where a is 0) before dropping the
      // alpha
      int alphaBand = !grey && cm.hasAlpha() && cm.isAlphaPremultiplied() ? 3 : -1;
      int alphaShift = alphaBand < 0 ? 0 : Math.max(cm.getComponentSize(3) - 8, 0);
      int[] shift = new int[3];
      int[] max = new int[3];
      for (int c = 0; c < 3; c++) {
        int bits = cm.getComponentSize(grey ? 0 : c);
        shift[c] = Math.max(bits - 8, 0);
        max[c] = bits < 8 ? (1 << bits) - 1 : 0;
      }
      for (int y = 0, o = 0; y < h; y++) {
        raster.getPixels(0, y, w, 1, row);
        for (int x = 0; x < w; x++) {
          for (int c = 0; c < 3; c++) {
            int sample = row[x * bands + (grey ? 0 : c)];
            int v = clip ? Math.min(sample, 255) : sample >> shift[c];
            if (alphaBand >= 0) {
              int a = row[x * bands + alphaBand] >> alphaShift;
              v = a == 0 ? 0 : a == 255 ? v : Math.min(255, v * 255 / a);
            }
            rgb[o++] = (byte) (max[c] == 0 ? v : (v * 255 + max[c] / 2) / max[c]);
          }
        }
      }
    } else {
      int[] argb = new int[w];
      for (int y = 0, o = 0; y < h; y++) {
        image.getRGB(0, y, w, 1, argb, 0, w);
        for (int c : argb) {
          rgb[o++] = (byte) (c >> 16);
          rgb[o++] = (byte) (c >> 8);
          rgb[o++] = (byte) c;
        }
      }
    }
    return out;
  }
}
