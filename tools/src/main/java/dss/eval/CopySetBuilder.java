package dss.eval;

import dss.image.FormatSniffer;
import dss.image.ImageException;
import dss.image.ImagePipeline;
import dss.image.WebpEncoder;
import dss.ingest.Failure;
import java.awt.AlphaComposite;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.awt.image.ConvolveOp;
import java.awt.image.Kernel;
import java.awt.image.RescaleOp;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/**
 * Builds a copy-detection set from a folder of originals, in the {@link LabelledSet} layout: for
 * each original {@code NAME.ext}, {@code OUT/NAME__original.ext} (a byte copy) and one file per
 * {@link Copy}, e.g. {@code OUT/NAME__blurred.jpg}. Copies are made from the original decoded
 * (EXIF-oriented) at a longer side of at most {@link #WORKING_SIDE}, the size photo tools export
 * at; everything is deterministic.
 *
 * <p>WebP copies are encoded with OpenCV's bundled libwebp ({@link WebpEncoder}): neither the JDK
 * nor TwelveMonkeys writes WebP, and an external encoder (cwebp) would be a tool users may not
 * have.
 */
public final class CopySetBuilder {
  /** Longer side of the decoded original the copies are made from. */
  public static final int WORKING_SIDE = 2048;

  /** The edits applied to each original; the name is the file-name suffix after {@code __}. */
  public enum Copy {
    RESIZED("jpg", img -> scale(img, 0.5)),
    RECOMPRESSED("jpg", img -> img), // written at JPEG quality 0.3 (see write)
    CROPPED(
        "jpg",
        img ->
            img.getSubimage(
                img.getWidth() * 15 / 100,
                img.getHeight() * 15 / 100,
                img.getWidth() * 70 / 100,
                img.getHeight() * 70 / 100)),
    BRIGHTENED("jpg", img -> new RescaleOp(1.25f, 20f, null).filter(img, null)),
    BLURRED("jpg", CopySetBuilder::blur),
    ROTATED("jpg", img -> rotate90(img)),
    FLIPPED(
        "jpg",
        img ->
            affine(
                img,
                new AffineTransform(-1, 0, 0, 1, img.getWidth(), 0),
                img.getWidth(),
                img.getHeight())),
    PNG("png", img -> scale(img, 1024.0 / Math.max(img.getWidth(), img.getHeight()))),
    WEBP(
        "webp",
        img ->
            scale(
                img, 1024.0 / Math.max(img.getWidth(), img.getHeight()))), // written at quality 80
    TEXT("jpg", CopySetBuilder::caption);

    final String extension;
    final UnaryOperator<BufferedImage> edit;

    Copy(String extension, UnaryOperator<BufferedImage> edit) {
      this.extension = extension;
      this.edit = edit;
    }

    public String suffix() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public record Result(int originals, int files, List<Failure> failed) {}

  private final ImagePipeline pipeline;

  public CopySetBuilder(ImagePipeline pipeline) {
    this.pipeline = pipeline;
  }

  /**
   * Writes the copy set for every image directly in {@code src} (files that are not images are
   * skipped with a log line). A file that cannot be decoded is reported in {@link Result#failed()}
   * and the others go on.
   */
  public Result build(Path src, Path out, Consumer<String> log) throws IOException {
    if (!Files.isDirectory(src)) throw new IOException(src + ": not a directory");
    Files.createDirectories(out);
    List<Path> files;
    try (Stream<Path> list = Files.list(src)) {
      files =
          list.filter(Files::isRegularFile)
              .filter(p -> !p.getFileName().toString().startsWith("."))
              .sorted()
              .toList();
    }
    int originals = 0;
    int written = 0;
    List<Failure> failed = new ArrayList<>();
    for (Path file : files) {
      if (FormatSniffer.sniff(head(file)) == null) {
        log.accept(file + ": skipped (not an image)");
        continue;
      }
      String name = file.getFileName().toString();
      int dot = name.lastIndexOf('.');
      String group = (dot > 0 ? name.substring(0, dot) : name).replace(LabelledSet.SEPARATOR, "_");
      String extension = dot > 0 ? name.substring(dot + 1) : "img";
      try {
        BufferedImage working = rgb(pipeline.decodeOriented(file, WORKING_SIDE));
        Files.copy(
            file,
            out.resolve(group + LabelledSet.SEPARATOR + "original." + extension),
            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        for (Copy copy : Copy.values()) {
          Path target =
              out.resolve(group + LabelledSet.SEPARATOR + copy.suffix() + "." + copy.extension);
          write(rgb(copy.edit.apply(working)), target, copy == Copy.RECOMPRESSED ? 0.3f : 0.9f);
        }
        originals++;
        written += 1 + Copy.values().length;
        log.accept(file + ": " + (1 + Copy.values().length) + " files");
      } catch (ImageException e) {
        failed.add(new Failure(file.toString(), e.reason()));
        log.accept(e.getMessage());
      }
    }
    return new Result(originals, written, failed);
  }

  private static byte[] head(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return in.readNBytes(FormatSniffer.HEAD_BYTES);
    }
  }

  static void write(BufferedImage image, Path target, float jpegQuality) throws IOException {
    if (target.getFileName().toString().endsWith(".webp")) {
      Files.write(target, WebpEncoder.encode(image, 80));
      return;
    }
    String format = target.getFileName().toString().endsWith(".png") ? "png" : "jpeg";
    ImageWriter writer = ImageIO.getImageWritersByFormatName(format).next();
    ImageWriteParam param = writer.getDefaultWriteParam();
    if (format.equals("jpeg")) {
      param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      param.setCompressionQuality(jpegQuality);
    }
    Files.deleteIfExists(target);
    try (ImageOutputStream stream = ImageIO.createImageOutputStream(target.toFile())) {
      writer.setOutput(stream);
      writer.write(null, new IIOImage(image, null, null), param);
    } finally {
      writer.dispose();
    }
  }

  /** A plain 8-bit RGB copy (JPEG writers and RescaleOp want no alpha and a known layout). */
  private static BufferedImage rgb(BufferedImage image) {
    if (image.getType() == BufferedImage.TYPE_INT_RGB) return image;
    BufferedImage out =
        new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    g.drawImage(image, 0, 0, null);
    g.dispose();
    return out;
  }

  private static BufferedImage scale(BufferedImage img, double factor) {
    int w = Math.max(1, (int) Math.round(img.getWidth() * factor));
    int h = Math.max(1, (int) Math.round(img.getHeight() * factor));
    BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    g.setRenderingHint(
        RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
    g.drawImage(img, 0, 0, w, h, null);
    g.dispose();
    return out;
  }

  private static BufferedImage rotate90(BufferedImage img) {
    int w = img.getWidth();
    int h = img.getHeight();
    return affine(img, new AffineTransform(0, 1, -1, 0, h, 0), h, w); // clockwise
  }

  /**
   * Exact pixel moves through Graphics2D (AffineTransformOp mirrored half of the picture for a flip
   * on JDK 25).
   */
  private static BufferedImage affine(BufferedImage img, AffineTransform t, int w, int h) {
    BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    g.setRenderingHint(
        RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
    g.drawImage(img, t, null);
    g.dispose();
    return out;
  }

  /**
   * Gaussian blur, sigma 0.4% of the longer side (about 8 px at 2048): visibly soft, same picture.
   */
  private static BufferedImage blur(BufferedImage img) {
    float sigma = Math.max(1f, 0.004f * Math.max(img.getWidth(), img.getHeight()));
    int radius = (int) Math.ceil(3 * sigma);
    float[] k = new float[2 * radius + 1];
    float sum = 0;
    for (int i = -radius; i <= radius; i++)
      sum += k[i + radius] = (float) Math.exp(-i * i / (2.0 * sigma * sigma));
    for (int i = 0; i < k.length; i++) k[i] /= sum;
    // separable: a row pass then a column pass; edges are extended by padding so borders blur too
    BufferedImage padded = pad(img, radius);
    BufferedImage rows =
        new ConvolveOp(new Kernel(k.length, 1, k), ConvolveOp.EDGE_NO_OP, null)
            .filter(padded, null);
    BufferedImage both =
        new ConvolveOp(new Kernel(1, k.length, k), ConvolveOp.EDGE_NO_OP, null).filter(rows, null);
    return both.getSubimage(radius, radius, img.getWidth(), img.getHeight());
  }

  /** The image with a border of {@code r} pixels copied from its edges. */
  private static BufferedImage pad(BufferedImage img, int r) {
    int w = img.getWidth();
    int h = img.getHeight();
    BufferedImage out = new BufferedImage(w + 2 * r, h + 2 * r, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    g.drawImage(img, r, r, null);
    g.drawImage(img, 0, r, r, r + h, 0, 0, 1, h, null); // left
    g.drawImage(img, r + w, r, w + 2 * r, r + h, w - 1, 0, w, h, null); // right
    g.drawImage(out, 0, 0, w + 2 * r, r, 0, r, w + 2 * r, r + 1, null); // top
    g.drawImage(
        out, 0, r + h, w + 2 * r, h + 2 * r, 0, r + h - 1, w + 2 * r, r + h, null); // bottom
    g.dispose();
    return out;
  }

  /**
   * A caption across the lower part of the picture, white on a translucent band (a typical
   * watermark).
   */
  private static BufferedImage caption(BufferedImage img) {
    BufferedImage out = rgb(scale(img, 1.0));
    Graphics2D g = out.createGraphics();
    int h = out.getHeight();
    int size =
        Math.max(10, Math.min(h / 12, out.getWidth() / 16)); // the caption spans most of the width
    g.setComposite(AlphaComposite.getInstance(AlphaComposite.SRC_OVER, 0.45f));
    g.setColor(Color.BLACK);
    g.fillRect(0, h - 2 * size, out.getWidth(), (int) (1.6 * size));
    g.setComposite(AlphaComposite.SrcOver);
    g.setColor(Color.WHITE);
    g.setRenderingHint(
        RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, size));
    g.drawString("Summer 2026 - do not copy", size / 2, h - size / 2 - size / 4);
    g.dispose();
    return out;
  }
}
