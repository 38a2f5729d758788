package dss.image;

import com.drew.imaging.ImageMetadataReader;
import com.drew.imaging.jpeg.JpegMetadataReader;
import com.drew.metadata.Metadata;
import com.drew.metadata.exif.ExifIFD0Directory;
import com.drew.metadata.exif.ExifReader;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * EXIF orientation (1..8): reading the tag and turning pixels (or a source box) upright.
 * Orientations 5..8 swap width and height. Unreadable or absent metadata means orientation 1:
 * metadata never makes an image fail.
 */
final class Orientation {
  private Orientation() {}

  /**
   * The EXIF orientation to apply. Always 1 for HEIC/HEIF/AVIF: libheif has already applied the
   * file's irot/imir transformations, which HEIF makes normative, while its EXIF is descriptive (an
   * iPhone writes both, so applying the tag too would turn the photo twice). pillow-heif, libheif's
   * own tools and ImageMagick ignore the tag alike.
   */
  static int read(ByteBuffer bytes, String format) {
    if (HeifDecoders.handles(format)) {
      return 1;
    }
    int o = tag(bytes, format);
    return o == 0 ? 1 : o;
  }

  /** {@link #tag(ByteBuffer, String)} of bytes in memory. */
  static int tag(byte[] bytes, String format) {
    return tag(ByteBuffer.wrap(bytes), format);
  }

  /** The orientation tag's value (1..8), or 0 when the file carries none (or an invalid one). */
  static int tag(ByteBuffer bytes, String format) {
    try {
      InputStream in = new ByteBufferInput(bytes.slice(0, bytes.limit()));
      Metadata metadata =
          format.equals("jpeg")
              ? JpegMetadataReader.readMetadata(
                  in, List.of(new ExifReader())) // APP1 only: stops at the image data
              : ImageMetadataReader.readMetadata(in, bytes.limit());
      ExifIFD0Directory ifd0 = metadata.getFirstDirectoryOfType(ExifIFD0Directory.class);
      if (ifd0 != null && ifd0.containsTag(ExifIFD0Directory.TAG_ORIENTATION)) {
        int o = ifd0.getInt(ExifIFD0Directory.TAG_ORIENTATION);
        return o >= 1 && o <= 8 ? o : 0;
      }
    } catch (
        Exception
            e) { // ImageProcessingException, MetadataException, IOException, malformed-data runtime
      // errors
      return 0;
    }
    return 0;
  }

  static boolean swapsAxes(int orientation) {
    return orientation >= 5;
  }

  /** The upright image for a stored image with this orientation. */
  static RgbImage apply(RgbImage in, int orientation) {
    if (orientation == 1) {
      return in;
    }
    int w = in.width(), h = in.height();
    RgbImage out = swapsAxes(orientation) ? new RgbImage(h, w) : new RgbImage(w, h);
    int ow = out.width(), oh = out.height();
    byte[] src = in.rgb(), dst = out.rgb();
    int o = 0;
    for (int y = 0; y < oh; y++) {
      for (int x = 0; x < ow; x++) {
        int sx, sy; // source pixel shown at (x, y)
        switch (orientation) {
          case 2 -> {
            sx = w - 1 - x;
            sy = y;
          }
          case 3 -> {
            sx = w - 1 - x;
            sy = h - 1 - y;
          }
          case 4 -> {
            sx = x;
            sy = h - 1 - y;
          }
          case 5 -> {
            sx = y;
            sy = x;
          }
          case 6 -> {
            sx = y;
            sy = h - 1 - x;
          }
          case 7 -> {
            sx = w - 1 - y;
            sy = h - 1 - x;
          }
          default -> {
            sx = w - 1 - y;
            sy = x;
          } // 8
        }
        int s = (sy * w + sx) * 3;
        dst[o++] = src[s];
        dst[o++] = src[s + 1];
        dst[o++] = src[s + 2];
      }
    }
    return out;
  }

  /**
   * Where the source region {@code box = {x0, y0, x1, y1}} of a stored {@code w x h} image lies
   * once upright (continuous coordinates, the same mapping as {@link #apply}).
   */
  static float[] apply(float[] box, int w, int h, int orientation) {
    float[] a = map(box[0], box[1], w, h, orientation);
    float[] b = map(box[2], box[3], w, h, orientation);
    return new float[] {
      Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.max(a[0], b[0]), Math.max(a[1], b[1])
    };
  }

  private static float[] map(float x, float y, int w, int h, int orientation) {
    return switch (orientation) {
      case 1 -> new float[] {x, y};
      case 2 -> new float[] {w - x, y};
      case 3 -> new float[] {w - x, h - y};
      case 4 -> new float[] {x, h - y};
      case 5 -> new float[] {y, x};
      case 6 -> new float[] {h - y, x};
      case 7 -> new float[] {h - y, w - x};
      default -> new float[] {y, w - x}; // 8
    };
  }
}
