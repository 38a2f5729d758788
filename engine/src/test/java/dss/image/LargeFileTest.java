package dss.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dss.util.Sha256;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Huge files, made as sparse files (they cost no disk): refused above the size limit before
 * anything is read, with a reason naming the file and the limit; under it, mapped rather than
 * copied into the heap, so a JPEG far larger than the heap still decodes.
 */
class LargeFileTest {
  @TempDir Path tmp;

  @Test
  void aFileAboveTheLimitIsRefusedUnreadNamingTheLimit() throws Exception {
    Path file = jpegPaddedTo(tmp.resolve("big.jpg"), 3L << 20);
    ImagePipeline pipeline = new ImagePipeline().withMaxFileBytes(1 << 20);
    ImageException e = assertThrows(ImageException.class, () -> pipeline.prepare(file));
    assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    assertTrue(
        e.getMessage()
            .contains(
                "file too large: 3145728 bytes, above the limit of 1048576 bytes " + "(1 MiB)"),
        e.getMessage());
    assertThrows(
        ImageException.class, () -> pipeline.decodeOriented(file, 64), "thumbnails obey it too");
  }

  @Test
  void theDefaultLimitIsFiniteAndAFileOver2GiBIsRefusedAtAnyLimit() throws Exception {
    assertEquals(512L << 20, new ImagePipeline().maxFileBytes());
    Path file = jpegPaddedTo(tmp.resolve("huge.jpg"), 3L << 30);
    ImageException byDefault =
        assertThrows(ImageException.class, () -> new ImagePipeline().prepare(file));
    assertTrue(
        byDefault.getMessage().contains("above the limit of 536870912 bytes (512 MiB)"),
        byDefault.getMessage());
    ImageException anyLimit =
        assertThrows(
            ImageException.class,
            () -> new ImagePipeline().withMaxFileBytes(Long.MAX_VALUE).prepare(file));
    assertTrue(
        anyLimit
            .getMessage()
            .contains("file too large: 3221225472 bytes, above the 2 GiB an image may have"),
        anyLimit.getMessage());
  }

  @Test
  void aMappedFileHashesAsItsBytes() throws Exception {
    Path file = jpegPaddedTo(tmp.resolve("padded.jpg"), 1 << 20);
    ByteBuffer mapped = ImagePipeline.map(file, 2 << 20);
    assertEquals(Sha256.hex(Files.readAllBytes(file)), Sha256.hex(mapped));
    assertEquals(
        Sha256.hex(Files.readAllBytes(file)),
        Sha256.hex(mapped),
        "hashing does not consume the buffer");
  }

  /**
   * A JPEG padded to 200 MB (the padding inside its image data, as in a file with a photo's first
   * bytes and a hole) decodes in a JVM with 64 MB of heap: the file is never copied into the heap
   * (TurboJPEG gets a native copy, which counts as direct memory).
   */
  @Test
  void aJpegLargerThanTheHeapDecodesFromItsMapping() throws Exception {
    Assumptions.assumeTrue(
        new ImagePipeline().jpegDecoder().startsWith("turbojpeg"),
        "needs the system's TurboJPEG (libturbojpeg0): the other JPEG decoders take a heap array");
    Path file = jpegPaddedTo(tmp.resolve("padded.jpg"), 200L << 20);
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m",
                "-XX:MaxDirectMemorySize=1g",
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                PrepareInChild.class.getName(),
                file.toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertEquals(0, p.waitFor(), output);
    assertTrue(output.endsWith("jpeg 64x48"), output);
  }

  /**
   * Prepares the file with no file-size limit and prints its format and size (run in a child JVM).
   */
  static final class PrepareInChild {
    public static void main(String[] args) throws Exception {
      PreparedImage image =
          new ImagePipeline().withMaxFileBytes(Long.MAX_VALUE).prepare(Path.of(args[0]));
      System.out.println(image.format() + " " + image.width() + "x" + image.height());
    }
  }

  /**
   * A real 64x48 JPEG whose end marker is moved to the end of a sparse file of {@code size} bytes:
   * the hole reads as zeros inside the image data, which the decoder skips (a file made of a
   * photo's first bytes and a hole).
   */
  static Path jpegPaddedTo(Path file, long size) throws Exception {
    BufferedImage image = new BufferedImage(64, 48, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 48; y++)
      for (int x = 0; x < 64; x++) image.setRGB(x, y, (x * 4) << 16 | (y * 5) << 8 | 90);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, "jpeg", out);
    byte[] jpeg = out.toByteArray();
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.write(Arrays.copyOf(jpeg, jpeg.length - 2)); // without its end marker
      f.seek(size - 2);
      f.write(new byte[] {(byte) 0xFF, (byte) 0xD9});
    }
    return file;
  }

  /**
   * Uploads (images given as bytes) have their own, lower pixel limit; the same image as a file
   * passes.
   */
  @Test
  void uploadsAreRefusedAboveTheUploadPixelLimit() throws Exception {
    assertEquals(64_000_000L, new ImagePipeline().maxUploadPixels());
    assertEquals(100_000_000L, new ImagePipeline().maxPixels());
    assertEquals(
        1000L, new ImagePipeline(1000).maxUploadPixels(), "never above the library's limit");
    Path file = jpegPaddedTo(tmp.resolve("small.jpg"), 4096); // 64 x 48 = 3072 pixels
    ImagePipeline pipeline = new ImagePipeline(1_000_000L).withMaxUploadPixels(3000);
    ImageException e =
        assertThrows(
            ImageException.class, () -> pipeline.prepare(Files.readAllBytes(file), "up.jpg"));
    assertTrue(
        e.getMessage()
            .contains(
                "up.jpg: image too large: 64x48 = 3072 pixels, above the limit of 3000 for "
                    + "uploads (decompression-bomb guard)"),
        e.getMessage());
    assertEquals(64, pipeline.prepare(file).width(), "a library file has the library's limit");
    assertEquals(
        64, pipeline.withMaxUploadPixels(3072).prepare(Files.readAllBytes(file), "up.jpg").width());
  }
}
