package dss.image;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * file -> decoded, oriented RGB -> DreamSim preprocess tensor. Thread-safe (no mutable state); one instance per
 * process is enough.
 *
 * <p>Decoding goes by content (magic bytes), never by file name. The header is read first and images above
 * {@link #maxPixels()} are refused before any pixel is decoded; truncated, corrupt and non-image files are refused
 * with an {@link ImageException} naming the file. EXIF orientation is applied except on the {@link #exact} path
 * (HEIC/HEIF/AVIF: their irot/imir, by libheif, never the EXIF tag); reported sizes are those of the image the
 * preprocess sees.
 *
 * <p>The preprocess is DreamSim's: Pillow's {@code convert('RGB')}, {@code resize((224, 224), BICUBIC)} (a squash,
 * antialiased, reproduced bit for bit by {@link PillowResize}), scaled to [0, 1], CHW. For JPEG, the default fast
 * path decodes at 1/2, 1/4 or 1/8 size in the DCT domain (as Pillow's {@code draft}) keeping at least
 * {@link #JPEG_MIN_SIDE} pixels on each side, then resizes the exact source region (fractional when a side was
 * rounded up); the mean difference from Pillow's full-size path stays under 1/255 (see notes/image.md). JPEG is
 * decoded by the system's TurboJPEG (SIMD libjpeg-turbo, as Pillow) on Java 22+ when libturbojpeg.so.0 is
 * installed, else by OpenCV's bundled libjpeg-turbo (same pixels, slower): {@link #jpegDecoder()} says which.
 * Camera RAW files go down the same JPEG path through their largest embedded preview ({@link RawPreview}).
 */
public final class ImagePipeline {
  public static final int SIZE = 224;
  public static final long DEFAULT_MAX_PIXELS = 100_000_000L;
  /**
   * The fast path keeps at least this many decoded pixels per side. Measured on 45 sample 10-12 MP photos (mean
   * |difference| from Pillow's full-size path, worst photo): 224 -> 2.43/255, 300 -> 0.95/255, 320 -> 0.74/255,
   * 448 -> 0.54/255. A 1/8 decode is an 8x8 box average (chroma 16x16), blurrier than the bicubic it feeds
   * unless the bicubic itself reduces by about 1.4 or more.
   */
  static final int JPEG_MIN_SIDE = 320;

  private final long maxPixels;
  private final boolean dctScaling;
  private final boolean orient;
  private final JpegDecoder jpegDecoder; // null: JPEG through ImageIO (no native decoder could load)
  private final HeifDecoders.Choice heif;

  public ImagePipeline() {
    this(DEFAULT_MAX_PIXELS);
  }

  public ImagePipeline(long maxPixels) {
    this(maxPixels, true);
  }

  /**
   * @param maxPixels   images with more pixels than this are refused before decoding
   * @param dctScaling  true: JPEGs decode at reduced size when large enough (fast); false: always at full size
   *                    (Pillow's reference path, bit for bit up to decoder IDCT rounding)
   */
  public ImagePipeline(long maxPixels, boolean dctScaling) {
    this(maxPixels, dctScaling, true);
  }

  /**
   * @param orient  true: EXIF orientation is applied before the preprocess (upright, as people see the photo);
   *                false: the stored pixels as they are, as DreamSim's own {@code Image.open} path does
   */
  public ImagePipeline(long maxPixels, boolean dctScaling, boolean orient) {
    this(maxPixels, dctScaling, orient, JpegDecoders.standard(), HeifDecoders.standard());
  }

  /**
   * DreamSim's official preprocessing ({@code --exact}): full-size JPEG decoding and no EXIF rotation, for
   * reproducing published numbers; the default pipeline is faster and sees photos upright.
   */
  public static ImagePipeline exact(long maxPixels) {
    return new ImagePipeline(maxPixels, false, false);
  }

  /** With a given JPEG decoder (null: ImageIO, no DCT scaling): tests of each decoder. */
  ImagePipeline(long maxPixels, boolean dctScaling, JpegDecoder jpegDecoder) {
    this(maxPixels, dctScaling, true, jpegDecoder, HeifDecoders.standard());
  }

  /** With given JPEG and HEIC/AVIF decoders: tests of a missing libheif. */
  ImagePipeline(long maxPixels, boolean dctScaling, JpegDecoder jpegDecoder, HeifDecoders.Choice heif) {
    this(maxPixels, dctScaling, true, jpegDecoder, heif);
  }

  private ImagePipeline(long maxPixels, boolean dctScaling, boolean orient, JpegDecoder jpegDecoder,
                        HeifDecoders.Choice heif) {
    if (maxPixels <= 0) {
      throw new IllegalArgumentException("maxPixels must be positive: " + maxPixels);
    }
    this.maxPixels = maxPixels;
    this.dctScaling = dctScaling;
    this.orient = orient;
    this.jpegDecoder = jpegDecoder;
    this.heif = heif;
  }

  /** Whether this is DreamSim's official preprocessing ({@link #exact}): full-size decoding, no EXIF rotation. */
  public boolean isExact() {
    return !dctScaling && !orient;
  }

  public long maxPixels() {
    return maxPixels;
  }

  /**
   * Which library decodes JPEG here, for logs and benchmarks: {@code "turbojpeg (libturbojpeg.so.0, SIMD)"} (Java
   * 22+ with the system's libturbojpeg), {@code "opencv (...)"} or {@code "imageio (...)"}.
   */
  public String jpegDecoder() {
    return jpegDecoder != null ? jpegDecoder.description() : "imageio (no DCT scaling)";
  }

  /** Decodes by content, applies EXIF orientation, refuses bombs before decoding, and preprocesses. */
  public PreparedImage prepare(Path file) throws ImageException {
    return prepare(read(file), file.toString());
  }

  /** Same as {@link #prepare(Path)} for bytes in memory (uploads); {@code name} is used in error messages. */
  public PreparedImage prepare(byte[] bytes, String name) throws ImageException {
    Decoded d = decode(bytes, name, JPEG_MIN_SIDE, false, orient);
    RgbImage square = PillowResize.resize(d.image, d.box[0], d.box[1], d.box[2], d.box[3], SIZE, SIZE);
    return new PreparedImage(d.format, d.width, d.height, toTensor(square));
  }

  /** Decoded, EXIF-oriented RGB image whose longer side is at most {@code maxSide} (for thumbnails). */
  public BufferedImage decodeOriented(Path file, int maxSide) throws ImageException {
    if (maxSide <= 0) {
      throw new IllegalArgumentException("maxSide must be positive: " + maxSide);
    }
    Decoded d = decode(read(file), file.toString(), maxSide, true, true);
    double scale = Math.min(1.0, maxSide / (double) Math.max(d.width, d.height));
    int w = Math.max(1, (int) Math.round(d.width * scale)), h = Math.max(1, (int) Math.round(d.height * scale));
    RgbImage out = w == d.image.width() && h == d.image.height()
        ? d.image
        : PillowResize.resize(d.image, d.box[0], d.box[1], d.box[2], d.box[3], w, h);
    return out.toBufferedImage();
  }

  /**
   * An upright image, possibly decoded at reduced size, and the region of it that covers the whole original
   * ({@code box}, fractional when the reduced size was rounded up). {@code width}/{@code height}: the original's.
   */
  private record Decoded(String format, int width, int height, RgbImage image, float[] box) {}

  /**
   * @param minSide        JPEG: decode at the largest DCT reduction that keeps at least this many pixels
   * @param longerSideOnly true: minSide applies to the longer side only (thumbnails); false: to both sides
   * @param orient         apply the EXIF orientation
   */
  private Decoded decode(byte[] bytes, String name, int minSide, boolean longerSideOnly, boolean orient)
      throws ImageException {
    byte[] head = Arrays.copyOf(bytes, Math.min(bytes.length, FormatSniffer.HEAD_BYTES));
    String format = FormatSniffer.sniff(head);
    if (format == null) {
      throw new ImageException(name, bytes.length == 0 ? "empty file" : "not an image (unrecognised content)");
    }
    try {
      // camera RAW (TIFF-structured or not): its largest embedded JPEG preview goes down the JPEG path
      RawPreview.Preview raw = format.equals("tiff") || format.equals("raw") ? RawPreview.find(bytes, name) : null;
      if (raw != null) {
        bytes = raw.jpeg();
        format = "jpeg";
      }
      RgbImage image;
      int w, h, reduction = 1;
      if (format.equals("jpeg")) {
        JpegHeader header = JpegHeader.parse(bytes, name);
        w = header.width();
        h = header.height();
        guard(w, h, name);
        if (!header.decodable()) {
          throw new ImageException(name, header.unsupportedReason());
        }
        // CMYK/YCCK (4 components): TwelveMonkeys reads Adobe CMYK/YCCK, ignoring ICC profiles as Pillow does
        if (header.components() != 4 && jpegDecoder != null) {
          reduction = dctScaling ? reduction(w, h, minSide, longerSideOnly) : 1;
          image = jpegDecoder.decode(bytes, reduction, name);
          if (image.width() != ceilDiv(w, reduction) || image.height() != ceilDiv(h, reduction)) {
            throw new ImageException(name, "corrupt JPEG (decoded " + image.width() + "x" + image.height()
                + " pixels for a " + w + "x" + h + " frame at 1/" + reduction + ")");
          }
        } else if (header.components() == 4) {
          image = ImageIoDecoder.decodeCmykJpeg(bytes, name);
        } else {
          image = ImageIoDecoder.decode(bytes, format, name);
        }
      } else if (HeifDecoders.handles(format)) { // libheif: primary image, irot/imir applied, guard before decoding
        image = heif.decode(bytes, format, name, (hw, hh) -> guard(hw, hh, name));
        w = image.width();
        h = image.height();
      } else {
        int[] size = ImageIoDecoder.dimensions(bytes, format, name);
        guard(size[0], size[1], name);
        // WebP: libwebp (as Pillow) when it can; animated files (OpenCV reads no animation) go through ImageIO
        image = format.equals("webp") && OpenCvDecoder.available() && !isAnimatedWebp(bytes)
            ? OpenCvDecoder.decode(bytes, format, 1, name)
            : ImageIoDecoder.decode(bytes, format, name);
        w = image.width(); // what was decoded, should a header and its decoder disagree
        h = image.height();
      }
      int orientation = !orient ? 1 : raw != null ? raw.orientation() : Orientation.read(bytes, format);
      float[] box = {0, 0, w / (float) reduction, h / (float) reduction};
      box = Orientation.apply(box, image.width(), image.height(), orientation);
      image = Orientation.apply(image, orientation);
      boolean swap = Orientation.swapsAxes(orientation);
      return new Decoded(raw != null ? raw.kind() : format, swap ? h : w, swap ? w : h, image, box);
    } catch (RuntimeException e) { // a decoder bug on hostile input must not take the process down
      throw new ImageException(name, "cannot decode " + format + " image (" + e + ")", e);
    }
  }

  /** Largest JPEG DCT reduction (8, 4, 2, else 1) that keeps at least {@code minSide} pixels. */
  static int reduction(int w, int h, int minSide, boolean longerSideOnly) {
    int side = longerSideOnly ? Math.max(w, h) : Math.min(w, h);
    for (int d = 8; d > 1; d /= 2) {
      if (side / d >= minSide) {
        return d;
      }
    }
    return 1;
  }

  /** An extended WebP (VP8X chunk first) with the animation flag set. */
  private static boolean isAnimatedWebp(byte[] b) {
    return b.length > 20 && b[12] == 'V' && b[13] == 'P' && b[14] == '8' && b[15] == 'X' && (b[20] & 0x02) != 0;
  }

  private static int ceilDiv(int a, int b) {
    return (a + b - 1) / b;
  }

  private void guard(int w, int h, String name) throws ImageException {
    if (w <= 0 || h <= 0) {
      throw new ImageException(name, "corrupt image header (size " + w + "x" + h + ")");
    }
    if ((long) w * h > maxPixels) {
      throw new ImageException(name, "image too large: " + w + "x" + h + " = " + (long) w * h
          + " pixels, above the limit of " + maxPixels + " (decompression-bomb guard)");
    }
  }

  private static byte[] read(Path file) throws ImageException {
    try {
      if (!Files.isRegularFile(file)) {
        throw new ImageException(file, Files.exists(file) ? "not a regular file" : "no such file");
      }
      if (Files.size(file) > Integer.MAX_VALUE - 64) {
        throw new ImageException(file, "file too large (" + Files.size(file) + " bytes)");
      }
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new ImageException(file.toString(), "cannot read file (" + e + ")", e);
    }
  }

  /** [0, 1] floats, CHW: exactly numpy's {@code asarray(im, float32).transpose(2, 0, 1) / 255.0}. */
  private static float[] toTensor(RgbImage im) {
    int plane = im.width() * im.height();
    float[] t = new float[3 * plane];
    byte[] rgb = im.rgb();
    for (int i = 0, p = 0; i < plane; i++, p += 3) {
      t[i] = (rgb[p] & 0xff) / 255f;
      t[plane + i] = (rgb[p + 1] & 0xff) / 255f;
      t[2 * plane + i] = (rgb[p + 2] & 0xff) / 255f;
    }
    return t;
  }
}
