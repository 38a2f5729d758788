package dss.web;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;

/** Real image files made for the tests: distinct scenes, a resized copy, and malformed inputs. */
final class TestImages {
  private TestImages() {}

  /** A scene of gradients and shapes; different seeds give clearly different pictures. */
  static BufferedImage scene(int seed, int width, int height) {
    Random random = new Random(seed);
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setPaint(new GradientPaint(0, 0, color(random), width, height, color(random)));
    g.fillRect(0, 0, width, height);
    for (int i = 0; i < 12; i++) {
      g.setColor(color(random));
      int x = random.nextInt(width),
          y = random.nextInt(height),
          w = 20 + random.nextInt(width / 2),
          h = 20 + random.nextInt(height / 2);
      switch (random.nextInt(3)) {
        case 0 -> g.fillOval(x - w / 2, y - h / 2, w, h);
        case 1 -> g.fillRect(x - w / 2, y - h / 2, w, h);
        default -> {
          g.setStroke(new BasicStroke(4 + random.nextInt(12)));
          g.drawLine(
              random.nextInt(width),
              random.nextInt(height),
              random.nextInt(width),
              random.nextInt(height));
        }
      }
    }
    g.dispose();
    return image;
  }

  private static Color color(Random random) {
    return new Color(random.nextInt(256), random.nextInt(256), random.nextInt(256));
  }

  static BufferedImage resized(BufferedImage image, int width, int height) {
    BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    g.setRenderingHint(
        RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
    g.drawImage(image, 0, 0, width, height, null);
    g.dispose();
    return out;
  }

  static byte[] encode(BufferedImage image, String format) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      if (!ImageIO.write(image, format, out))
        throw new IllegalStateException("no writer for " + format);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Path write(Path file, byte[] bytes) {
    try {
      Files.createDirectories(file.getParent());
      return Files.write(file, bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A PNG whose header claims {@code side} x {@code side} pixels, with one tiny data chunk: a
   * decompression bomb.
   */
  static byte[] pngClaiming(int side) {
    ByteBuffer ihdr =
        ByteBuffer.allocate(13)
            .putInt(side)
            .putInt(side)
            .put((byte) 8)
            .put((byte) 2)
            .put((byte) 0)
            .put((byte) 0)
            .put((byte) 0);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
    chunk(out, "IHDR", ihdr.array());
    chunk(out, "IDAT", new byte[] {0x78, (byte) 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01});
    chunk(out, "IEND", new byte[0]);
    return out.toByteArray();
  }

  private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
    byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
    CRC32 crc = new CRC32();
    crc.update(typeBytes);
    crc.update(data);
    out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
    out.writeBytes(typeBytes);
    out.writeBytes(data);
    out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
  }

  /**
   * {@code jpeg} with an EXIF segment as a camera writes it: IFD0 with Make and Model (when not
   * null) and an Exif IFD with DateTimeOriginal ({@code "2019:05:01 10:00:00"}). Written here, byte
   * by byte (big-endian TIFF), so the page's tests have photos with known capture dates.
   */
  static byte[] withExif(byte[] jpeg, String dateTimeOriginal, String make, String model) {
    List<Object[]> ifd0 = new ArrayList<>(); // {tag, ascii value or null for the Exif pointer}
    if (make != null) ifd0.add(new Object[] {0x010F, make});
    if (model != null) ifd0.add(new Object[] {0x0110, model});
    ifd0.add(new Object[] {0x8769, null});
    int ifd0Size = 2 + 12 * ifd0.size() + 4;
    int data = 8 + ifd0Size;
    ByteBuffer tiff = ByteBuffer.allocate(1024); // big-endian by default, as "MM" says
    tiff.put((byte) 'M').put((byte) 'M').putShort((short) 42).putInt(8);
    tiff.putShort((short) ifd0.size());
    List<byte[]> strings = new ArrayList<>();
    int exifIfd = -1;
    for (Object[] e : ifd0) {
      tiff.putShort((short) (int) (Integer) e[0]);
      if (e[1] == null) {
        exifIfd = data + strings.stream().mapToInt(b -> b.length).sum();
        exifIfd += exifIfd % 2; // word-aligned
        tiff.putShort((short) 4).putInt(1).putInt(exifIfd);
      } else {
        byte[] ascii = (e[1] + "\0").getBytes(StandardCharsets.US_ASCII);
        int at = data + strings.stream().mapToInt(b -> b.length).sum();
        strings.add(ascii);
        tiff.putShort((short) 2).putInt(ascii.length);
        if (ascii.length <= 4) tiff.put(Arrays.copyOf(ascii, 4));
        else tiff.putInt(at);
      }
    }
    tiff.putInt(0);
    for (byte[] b : strings) tiff.put(b);
    while (tiff.position() < exifIfd) tiff.put((byte) 0);
    byte[] date = (dateTimeOriginal + "\0").getBytes(StandardCharsets.US_ASCII);
    tiff.putShort((short) 1);
    tiff.putShort((short) 0x9003).putShort((short) 2).putInt(date.length).putInt(exifIfd + 18);
    tiff.putInt(0);
    tiff.put(date);
    byte[] body = Arrays.copyOf(tiff.array(), tiff.position());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0xFF);
    out.write(0xD8);
    out.write(0xFF);
    out.write(0xE1);
    int length = 2 + 6 + body.length;
    out.write(length >> 8);
    out.write(length & 0xFF);
    out.writeBytes("Exif\0\0".getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(body);
    out.write(jpeg, 2, jpeg.length - 2); // after the original's SOI
    return out.toByteArray();
  }
}
