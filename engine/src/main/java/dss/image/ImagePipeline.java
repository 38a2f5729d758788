package dss.image;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * file -> decoded, oriented RGB -> DreamSim preprocess tensor. Thread-safe (no mutable state); one
 * instance per process is enough.
 *
 * <p>Decoding goes by content (magic bytes), never by file name. The header is read first and
 * images above {@link #maxPixels()} are refused before any pixel is decoded; truncated, corrupt and
 * non-image files are refused with an {@link ImageException} naming the file. EXIF orientation is
 * applied except on the {@link #exact} path (HEIC/HEIF/AVIF: their irot/imir, by libheif, never the
 * EXIF tag); reported sizes are those of the image the preprocess sees.
 *
 * <p>Files are mapped, not read into the heap ({@link #map}), and refused above {@link
 * #maxFileBytes()} before that: a JPEG goes from the mapping to the native decoder, and the header,
 * EXIF and end-marker checks read the mapping in place, so a huge file costs its JPEG decode, not
 * copies of itself. The other formats' decoders (ImageIO, OpenCV) take a heap array, made from the
 * mapping.
 *
 * <p>The preprocess is DreamSim's: Pillow's {@code convert('RGB')}, {@code resize((224, 224),
 * BICUBIC)} (a squash, antialiased, reproduced bit for bit by {@link PillowResize}), scaled to [0,
 * 1], CHW. For JPEG, the default fast path decodes at 1/2, 1/4 or 1/8 size in the DCT domain (as
 * Pillow's {@code draft}) keeping at least {@link #JPEG_MIN_SIDE} pixels on each side, then resizes
 * the exact source region (fractional when a side was rounded up); the mean difference from
 * Pillow's full-size path stays under 1/255 (see notes/image.md). JPEG is decoded by the system's
 * TurboJPEG (SIMD libjpeg-turbo, as Pillow) on Java 22+ when libturbojpeg.so.0 is installed, else
 * by OpenCV's bundled libjpeg-turbo (same pixels, slower): {@link #jpegDecoder()} says which.
 */
public final class ImagePipeline {
  public static final int SIZE = 224;
  public static final long DEFAULT_MAX_PIXELS = 100_000_000L;

  /**
   * Images given as bytes (uploads to the server) with more pixels than this are refused before
   * decoding: a decode costs time and memory in proportion to its pixels (PNG about 40 ms per
   * megapixel on one core), so a server keeps uploads below the library's limit. 64 MP holds every
   * camera short of medium format.
   */
  public static final long DEFAULT_MAX_UPLOAD_PIXELS = 64_000_000L;

  /**
   * Files larger than this are refused before they are read (the command line's {@code
   * --max-file-mb}).
   */
  public static final long DEFAULT_MAX_FILE_BYTES = 512L << 20;

  /**
   * The fast path keeps at least this many decoded pixels per side. Measured on 45 sample 10-12 MP
   * photos (mean |difference| from Pillow's full-size path, worst photo): 224 -> 2.43/255, 300 ->
   * 0.95/255, 320 -> 0.74/255, 448 -> 0.54/255. A 1/8 decode is an 8x8 box average (chroma 16x16),
   * blurrier than the bicubic it feeds unless the bicubic itself reduces by about 1.4 or more.
   */
  static final int JPEG_MIN_SIDE = 320;

  private final long maxPixels;
  private final boolean dctScaling;
  private final boolean orient;
  private final JpegDecoder
      jpegDecoder; // null: JPEG through ImageIO (no native decoder could load)
  private final HeifDecoders.Choice heif;
  private final long maxFileBytes;
  private final long maxUploadPixels;

  public ImagePipeline() {
    this(DEFAULT_MAX_PIXELS);
  }

  public ImagePipeline(long maxPixels) {
    this(maxPixels, true);
  }

  /**
   * @param maxPixels images with more pixels than this are refused before decoding
   * @param dctScaling true: JPEGs decode at reduced size when large enough (fast); false: always at
   *     full size (Pillow's reference path, bit for bit up to decoder IDCT rounding)
   */
  public ImagePipeline(long maxPixels, boolean dctScaling) {
    this(maxPixels, dctScaling, true);
  }

  /**
   * @param orient true: EXIF orientation is applied before the preprocess (upright, as people see
   *     the photo); false: the stored pixels as they are, as DreamSim's own {@code Image.open} path
   *     does
   */
  public ImagePipeline(long maxPixels, boolean dctScaling, boolean orient) {
    this(
        maxPixels,
        dctScaling,
        orient,
        JpegDecoders.standard(),
        HeifDecoders.standard(),
        DEFAULT_MAX_FILE_BYTES,
        DEFAULT_MAX_UPLOAD_PIXELS);
  }

  /**
   * DreamSim's official preprocessing ({@code --exact}): full-size JPEG decoding and no EXIF
   * rotation, for reproducing published numbers; the default pipeline is faster and sees photos
   * upright.
   */
  public static ImagePipeline exact(long maxPixels) {
    return new ImagePipeline(maxPixels, false, false);
  }

  /** With a given JPEG decoder (null: ImageIO, no DCT scaling): tests of each decoder. */
  ImagePipeline(long maxPixels, boolean dctScaling, JpegDecoder jpegDecoder) {
    this(maxPixels, dctScaling, jpegDecoder, HeifDecoders.standard());
  }

  /** With given JPEG and HEIC/AVIF decoders: tests of a missing libheif. */
  ImagePipeline(
      long maxPixels, boolean dctScaling, JpegDecoder jpegDecoder, HeifDecoders.Choice heif) {
    this(
        maxPixels,
        dctScaling,
        true,
        jpegDecoder,
        heif,
        DEFAULT_MAX_FILE_BYTES,
        DEFAULT_MAX_UPLOAD_PIXELS);
  }

  private ImagePipeline(
      long maxPixels,
      boolean dctScaling,
      boolean orient,
      JpegDecoder jpegDecoder,
      HeifDecoders.Choice heif,
      long maxFileBytes,
      long maxUploadPixels) {
    if (maxPixels <= 0) {
      throw new IllegalArgumentException("maxPixels must be positive: " + maxPixels);
    }
    if (maxFileBytes <= 0) {
      throw new IllegalArgumentException("maxFileBytes must be positive: " + maxFileBytes);
    }
    if (maxUploadPixels <= 0) {
      throw new IllegalArgumentException("maxUploadPixels must be positive: " + maxUploadPixels);
    }
    this.maxPixels = maxPixels;
    this.dctScaling = dctScaling;
    this.orient = orient;
    this.jpegDecoder = jpegDecoder;
    this.heif = heif;
    this.maxFileBytes = maxFileBytes;
    this.maxUploadPixels = maxUploadPixels;
  }

  /**
   * The same pipeline refusing files larger than {@code maxFileBytes} (default {@value
   * #DEFAULT_MAX_FILE_BYTES}).
   */
  public ImagePipeline withMaxFileBytes(long maxFileBytes) {
    return new ImagePipeline(
        maxPixels, dctScaling, orient, jpegDecoder, heif, maxFileBytes, maxUploadPixels);
  }

  /**
   * The same pipeline refusing images given as bytes ({@link #prepare(byte[], String)}: uploads)
   * above {@code maxUploadPixels} (default {@value #DEFAULT_MAX_UPLOAD_PIXELS}; never more than
   * {@link #maxPixels()}).
   */
  public ImagePipeline withMaxUploadPixels(long maxUploadPixels) {
    return new ImagePipeline(
        maxPixels, dctScaling, orient, jpegDecoder, heif, maxFileBytes, maxUploadPixels);
  }

  /**
   * Whether this is DreamSim's official preprocessing ({@link #exact}): full-size decoding, no EXIF
   * rotation.
   */
  public boolean isExact() {
    return !dctScaling && !orient;
  }

  /** The pixel limit of uploads: the smaller of the upload limit and {@link #maxPixels()}. */
  public long maxUploadPixels() {
    return Math.min(maxPixels, maxUploadPixels);
  }

  public long maxPixels() {
    return maxPixels;
  }

  public long maxFileBytes() {
    return maxFileBytes;
  }

  /**
   * Which library decodes JPEG here, for logs and benchmarks: {@code "turbojpeg (libturbojpeg.so.0,
   * SIMD)"} (Java 22+ with the system's libturbojpeg), {@code "opencv (...)"} or {@code "imageio
   * (...)"}.
   */
  public String jpegDecoder() {
    return jpegDecoder != null ? jpegDecoder.description() : "imageio (no DCT scaling)";
  }

  /**
   * Decodes by content, applies EXIF orientation, refuses bombs before decoding, and preprocesses.
   */
  public PreparedImage prepare(Path file) throws ImageException {
    ByteBuffer mapped = map(file, maxFileBytes);
    try {
      return prepare(mapped, file.toString());
    } catch (InternalError e) { // the JVM's answer to reading a mapped page the file no longer has
      throw changedWhileRead(file, e);
    }
  }

  /**
   * Same as {@link #prepare(Path)} for an upload in memory, refused above {@link
   * #maxUploadPixels()}; {@code name} is used in error messages.
   */
  public PreparedImage prepare(byte[] bytes, String name) throws ImageException {
    return prepare(
        decode(ByteBuffer.wrap(bytes), name, JPEG_MIN_SIDE, false, maxUploadPixels(), orient),
        Capture.read(bytes));
  }

  /**
   * Same as {@link #prepare(Path)} for bytes 0..limit of {@code data}: a file {@link #map mapped}
   * by the caller (who also hashes it), or wrapped bytes.
   */
  public PreparedImage prepare(ByteBuffer data, String name) throws ImageException {
    return prepare(decode(data, name, JPEG_MIN_SIDE, false, maxPixels, orient), Capture.read(data));
  }

  /**
   * The capture facts are read from the bytes already in memory (a RAW file's own TIFF/EXIF, not
   * its preview's), after a successful decode: a file that fails costs no metadata parse.
   */
  private static PreparedImage prepare(Decoded d, Capture capture) {
    RgbImage square =
        PillowResize.resize(d.image, d.box[0], d.box[1], d.box[2], d.box[3], SIZE, SIZE);
    return new PreparedImage(d.format, d.width, d.height, toTensor(square), capture);
  }

  /**
   * Decoded, EXIF-oriented RGB image whose longer side is at most {@code maxSide} (for thumbnails).
   */
  public BufferedImage decodeOriented(Path file, int maxSide) throws ImageException {
    if (maxSide <= 0) {
      throw new IllegalArgumentException("maxSide must be positive: " + maxSide);
    }
    Decoded d;
    try {
      d = decode(map(file, maxFileBytes), file.toString(), maxSide, true, maxPixels, true);
    } catch (InternalError e) {
      throw changedWhileRead(file, e);
    }
    double scale = Math.min(1.0, maxSide / (double) Math.max(d.width, d.height));
    int w = Math.max(1, (int) Math.round(d.width * scale)),
        h = Math.max(1, (int) Math.round(d.height * scale));
    RgbImage out =
        w == d.image.width() && h == d.image.height()
            ? d.image
            : PillowResize.resize(d.image, d.box[0], d.box[1], d.box[2], d.box[3], w, h);
    return out.toBufferedImage();
  }

  /**
   * An upright image, possibly decoded at reduced size, and the region of it that covers the whole
   * original ({@code box}, fractional when the reduced size was rounded up). {@code width}/{@code
   * height}: the original's.
   */
  private record Decoded(String format, int width, int height, RgbImage image, float[] box) {}

  /**
   * @param minSide JPEG: decode at the largest DCT reduction that keeps at least this many pixels
   * @param longerSideOnly true: minSide applies to the longer side only (thumbnails); false: to
   *     both sides
   * @param pixelLimit images with more pixels are refused before decoding ({@link #guard})
   * @param orient apply the EXIF orientation
   */
  private Decoded decode(
      ByteBuffer data,
      String name,
      int minSide,
      boolean longerSideOnly,
      long pixelLimit,
      boolean orient)
      throws ImageException {
    byte[] head = new byte[Math.min(data.limit(), FormatSniffer.HEAD_BYTES)];
    data.get(0, head);
    String format = FormatSniffer.sniff(head);
    if (format == null) {
      throw new ImageException(
          name, data.limit() == 0 ? "empty file" : "not an image (unrecognised content)");
    }
    try {
      // camera RAW (TIFF-structured or not): its largest embedded JPEG preview goes down the JPEG
      // path
      byte[] tiffLike =
          format.equals("tiff") || format.equals("raw") ? array(data) : null; // one heap copy
      RawPreview.Preview raw = tiffLike != null ? RawPreview.find(tiffLike, name) : null;
      if (raw != null) {
        data = ByteBuffer.wrap(raw.jpeg());
        format = "jpeg";
      } else if (tiffLike != null) {
        data = ByteBuffer.wrap(tiffLike); // array(data) below is then this copy, not another
      }
      RgbImage image;
      int w, h, reduction = 1;
      if (format.equals("jpeg")) {
        JpegHeader header = JpegHeader.parse(data, name);
        w = header.width();
        h = header.height();
        guard(w, h, "jpeg", name, pixelLimit);
        if (!header.decodable()) {
          throw new ImageException(name, header.unsupportedReason());
        }
        // CMYK/YCCK (4 components): TwelveMonkeys reads Adobe CMYK/YCCK, ignoring ICC profiles as
        // Pillow does
        if (header.components() != 4 && jpegDecoder != null) {
          reduction = dctScaling ? reduction(w, h, minSide, longerSideOnly) : 1;
          try {
            image = jpegDecoder.decode(data, reduction, name);
          } catch (
              DamagedJpegException
                  e) { // damaged data: only a full-size decode conceals it as Pillow does
            reduction = 1;
            image = jpegDecoder.decode(data, 1, name);
          }
          if (image.width() != ceilDiv(w, reduction) || image.height() != ceilDiv(h, reduction)) {
            throw new ImageException(
                name,
                "corrupt JPEG (decoded "
                    + image.width()
                    + "x"
                    + image.height()
                    + " pixels for a "
                    + w
                    + "x"
                    + h
                    + " frame at 1/"
                    + reduction
                    + ")");
          }
        } else if (header.components() == 4) {
          image = ImageIoDecoder.decodeCmykJpeg(array(data), name);
        } else {
          image = ImageIoDecoder.decode(array(data), format, name);
        }
      } else if (HeifDecoders.handles(
          format)) { // libheif: primary image, irot/imir applied, guard before decoding
        String heifFormat = format;
        image =
            heif.decode(
                array(data), format, name, (hw, hh) -> guard(hw, hh, heifFormat, name, pixelLimit));
        w = image.width();
        h = image.height();
      } else {
        byte[] bytes = array(data);
        int[] size = ImageIoDecoder.dimensions(bytes, format, name);
        guard(size[0], size[1], format, name, pixelLimit);
        // WebP: libwebp (as Pillow) when it can; animated files (OpenCV reads no animation) go
        // through ImageIO
        image =
            format.equals("webp") && OpenCvDecoder.available() && !isAnimatedWebp(bytes)
                ? OpenCvDecoder.decode(bytes, format, 1, name)
                : ImageIoDecoder.decode(bytes, format, name);
        w = image.width(); // what was decoded, should a header and its decoder disagree
        h = image.height();
      }
      int orientation =
          !orient ? 1 : raw != null ? raw.orientation() : Orientation.read(data, format);
      float[] box = {0, 0, w / (float) reduction, h / (float) reduction};
      box = Orientation.apply(box, image.width(), image.height(), orientation);
      image = Orientation.apply(image, orientation);
      boolean swap = Orientation.swapsAxes(orientation);
      return new Decoded(raw != null ? raw.kind() : format, swap ? h : w, swap ? w : h, image, box);
    } catch (RuntimeException e) { // a decoder bug on hostile input must not take the process down
      throw new ImageException(
          name, "corrupt " + Formats.label(format) + " (" + DecoderMessages.of(e) + ")", e);
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
    return b.length > 20
        && b[12] == 'V'
        && b[13] == 'P'
        && b[14] == '8'
        && b[15] == 'X'
        && (b[20] & 0x02) != 0;
  }

  private static int ceilDiv(int a, int b) {
    return (a + b - 1) / b;
  }

  private void guard(int w, int h, String format, String name, long pixelLimit)
      throws ImageException {
    if (w <= 0 || h <= 0) {
      throw new ImageException(
          name,
          "corrupt "
              + Formats.label(format)
              + " (its header gives the image size "
              + w
              + "x"
              + h
              + ")");
    }
    if ((long) w * h > pixelLimit) {
      throw new ImageException(
          name,
          "image too large: "
              + w
              + "x"
              + h
              + " = "
              + (long) w * h
              + " pixels, above the limit of "
              + pixelLimit
              + (pixelLimit < maxPixels ? " for uploads" : "")
              + " (decompression-bomb guard)");
    }
  }

  /**
   * The file mapped read-only (its pages are read on demand and belong to the page cache, not the
   * heap), after the size checks: above {@code maxFileBytes}, or above the 2 GiB a buffer can
   * address, it is refused unread. Reading a mapping whose file was truncated meanwhile throws
   * {@link InternalError}: callers turn it into this file's failure.
   */
  public static ByteBuffer map(Path file, long maxFileBytes) throws ImageException {
    try {
      if (!Files.isRegularFile(file)) {
        throw new ImageException(file, Files.exists(file) ? "not a regular file" : "no such file");
      }
      try (FileChannel channel = FileChannel.open(file)) {
        long size = channel.size();
        if (size > maxFileBytes) {
          throw new ImageException(
              file,
              "file too large: "
                  + size
                  + " bytes, above the limit of "
                  + maxFileBytes
                  + " bytes"
                  + (maxFileBytes % (1 << 20) == 0 ? " (" + (maxFileBytes >> 20) + " MiB)" : ""));
        }
        if (size > Integer.MAX_VALUE) {
          throw new ImageException(
              file, "file too large: " + size + " bytes, above the 2 GiB an image may have");
        }
        return channel.map(FileChannel.MapMode.READ_ONLY, 0, size);
      }
    } catch (IOException e) {
      throw new ImageException(file.toString(), "cannot read file (" + e + ")", e);
    }
  }

  /**
   * Bytes 0..limit as an array: the buffer's own when it wraps exactly that, else a copy (decoders
   * needing one).
   */
  static byte[] array(ByteBuffer data) {
    if (data.hasArray() && data.arrayOffset() == 0 && data.array().length == data.limit())
      return data.array();
    byte[] out = new byte[data.limit()];
    data.get(0, out);
    return out;
  }

  private static ImageException changedWhileRead(Path file, InternalError e) {
    return new ImageException(
        file.toString(), "file changed while it was read (" + e.getMessage() + ")", e);
  }

  /**
   * [0, 1] floats, CHW: exactly numpy's {@code asarray(im, float32).transpose(2, 0, 1) / 255.0}.
   */
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
