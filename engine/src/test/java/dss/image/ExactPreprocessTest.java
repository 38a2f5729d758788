package dss.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ImagePipeline#exact}: DreamSim's official preprocessing (Pillow's {@code
 * Image.open(f).convert('RGB') .resize((224, 224), BICUBIC)}, full-size decoding, no EXIF
 * rotation), compared with Pillow itself on a 10 MP JPEG (a sample photo when DREAMSIM_SAMPLE_DATA
 * names the sample data, else a photo-like one made here) and on an EXIF-rotated file. Needs
 * /usr/bin/python3 with Pillow (else skips).
 */
class ExactPreprocessTest {
  private static final double LIMIT = 1.0 / 255;
  private static final String PILLOW =
      String.join(
          "\n",
          "import sys",
          "from PIL import Image",
          "im = Image.open(sys.argv[1]).convert('RGB').resize((224, 224), Image.BICUBIC)",
          "open(sys.argv[2], 'wb').write(im.tobytes())");

  @TempDir Path tmp;

  @Test
  void tenMegapixelJpegMatchesPillowFullSize() throws Exception {
    Path photo = samplePhoto();
    if (photo == null) photo = photoLike(tmp.resolve("photo-10mp.jpg"), 3872, 2592);
    float[] reference = pillow(photo);
    PreparedImage exact = ImagePipeline.exact(ImagePipeline.DEFAULT_MAX_PIXELS).prepare(photo);
    assertTrue(
        (long) exact.width() * exact.height() >= 10_000_000L, exact.width() + "x" + exact.height());
    double mae = Fixtures.meanAbsDiff(reference, exact.tensor());
    assertTrue(mae <= LIMIT, photo.getFileName() + ": exact path vs Pillow " + mae * 255 + "/255");
    // and the default (DCT-scaled) path is a different computation: it would not pass for exact by
    // accident
    double fast = Fixtures.meanAbsDiff(reference, new ImagePipeline().prepare(photo).tensor());
    assertTrue(fast > mae, "fast " + fast * 255 + "/255 vs exact " + mae * 255 + "/255");
  }

  @Test
  void exifRotationIsNotAppliedOnTheExactPath() throws Exception {
    Path file =
        Fixtures.path("exif/orientation-6.jpg"); // stored sideways: 200x300, upright 300x200
    PreparedImage exact = ImagePipeline.exact(ImagePipeline.DEFAULT_MAX_PIXELS).prepare(file);
    PreparedImage upright = new ImagePipeline().prepare(file);
    assertEquals(200, exact.width());
    assertEquals(300, exact.height());
    assertEquals(300, upright.width());
    float[] reference = pillow(file); // Image.open does not rotate
    assertTrue(
        Fixtures.meanAbsDiff(reference, exact.tensor()) <= LIMIT,
        "exact path vs Pillow's unrotated");
    assertTrue(
        Fixtures.meanAbsDiff(reference, upright.tensor()) > 10 * LIMIT, "the default path rotates");
    assertTrue(ImagePipeline.exact(1).isExact() && !new ImagePipeline().isExact());
  }

  /** The first photo of the sample data, when its folder is given. */
  private static Path samplePhoto() throws IOException {
    String data = System.getenv("DREAMSIM_SAMPLE_DATA");
    if (data == null || !Files.isDirectory(Path.of(data, "photos"))) return null;
    try (var files = Files.list(Path.of(data, "photos"))) {
      return files.filter(f -> f.toString().endsWith(".jpg")).sorted().findFirst().orElse(null);
    }
  }

  /**
   * A photo-like JPEG (smooth gradients, soft shapes, sensor-like noise; quality 90) of w x h
   * pixels.
   */
  static Path photoLike(Path file, int w, int h) throws IOException {
    BufferedImage im = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = im.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setPaint(
        new GradientPaint(0, 0, new Color(70, 120, 190), 0, h * 0.6f, new Color(225, 215, 190)));
    g.fillRect(0, 0, w, h);
    Random random = new Random(10);
    for (int i = 0; i < 60; i++) {
      g.setColor(
          new Color(
              random.nextInt(256),
              random.nextInt(256),
              random.nextInt(256),
              90 + random.nextInt(120)));
      int s = 80 + random.nextInt(w / 4);
      g.fillOval(
          random.nextInt(w) - s / 2,
          h / 3 + random.nextInt(h) - s / 2,
          s,
          s / 2 + random.nextInt(s));
    }
    g.dispose();
    int[] row = new int[w];
    for (int y = 0; y < h; y++) {
      im.getRGB(0, y, w, 1, row, 0, w);
      for (int x = 0; x < w; x++) {
        int n = (int) Math.round(random.nextGaussian() * 6);
        int p = row[x];
        row[x] =
            clamp((p >> 16 & 0xff) + n) << 16
                | clamp((p >> 8 & 0xff) + n) << 8
                | clamp((p & 0xff) + n);
      }
      im.setRGB(0, y, w, 1, row, 0, w);
    }
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ImageWriteParam param = writer.getDefaultWriteParam();
    param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
    param.setCompressionQuality(0.9f);
    try (ImageOutputStream out = ImageIO.createImageOutputStream(Files.newOutputStream(file))) {
      writer.setOutput(out);
      writer.write(null, new IIOImage(im, null, null), param);
    } finally {
      writer.dispose();
    }
    return file;
  }

  private static int clamp(int v) {
    return Math.max(0, Math.min(255, v));
  }

  /**
   * Pillow's tensor for {@code file} (uint8 HWC from Pillow, as CHW floats /255), or the test is
   * skipped.
   */
  private float[] pillow(Path file) throws Exception {
    Path python = Path.of("/usr/bin/python3");
    Assumptions.assumeTrue(
        Files.isExecutable(python), "/usr/bin/python3 missing: Pillow comparison skipped");
    Path script = Files.writeString(tmp.resolve("pillow.py"), PILLOW);
    Path out = tmp.resolve(file.getFileName() + ".rgb");
    Process p =
        new ProcessBuilder(python.toString(), script.toString(), file.toString(), out.toString())
            .redirectErrorStream(true)
            .start();
    String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    Assumptions.assumeTrue(
        p.waitFor(5, TimeUnit.MINUTES) && p.exitValue() == 0 && !log.contains("No module named"),
        "Pillow unavailable: " + log);
    assertEquals(0, p.exitValue(), log);
    byte[] hwc = Files.readAllBytes(out);
    int plane = 224 * 224;
    assertEquals(3 * plane, hwc.length);
    float[] t = new float[3 * plane];
    for (int i = 0; i < plane; i++) {
      for (int c = 0; c < 3; c++) t[c * plane + i] = (hwc[3 * i + c] & 0xff) / 255f;
    }
    return t;
  }
}
