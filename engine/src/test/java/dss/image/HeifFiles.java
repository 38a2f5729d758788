package dss.image;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;

/**
 * HEIC and AVIF test files made at test time with libheif's own tools ({@code heif-enc}, {@code
 * heif-convert} from Debian's libheif-examples), and byte-level edits of them: a patched {@code
 * ispe} size (bomb), added {@code irot}/{@code imir} transformation properties (what phones write).
 */
public final class HeifFiles {
  private HeifFiles() {}

  /**
   * Skips the calling test, with the reason, when heif-enc or heif-convert is not installed, or on
   * Java 21 (libheif is bound through the FFM API, final in Java 22).
   */
  public static void assumeTools() {
    Assumptions.assumeTrue(
        onPath("heif-enc") && onPath("heif-convert"),
        "heif-enc/heif-convert not found (apt-get install libheif-examples): HEIC/AVIF test skipped");
    Assumptions.assumeTrue(
        Runtime.version().feature() >= 22, "Java 21: no libheif binding, HEIC/AVIF test skipped");
  }

  /** {@code heif-enc -q 90 [extra] -o out source}: HEIC, or AVIF when {@code out} ends in .avif. */
  public static Path encode(Path source, Path out, String... extra) throws IOException {
    Files.createDirectories(out.toAbsolutePath().getParent());
    List<String> command = new ArrayList<>(List.of("heif-enc", "-q", "90"));
    command.addAll(List.of(extra));
    command.addAll(List.of("-o", out.toString(), source.toString()));
    run(command);
    return out;
  }

  /** {@code heif-convert in out.png}: libheif's own decode, the pixels pillow-heif would give. */
  public static Path convert(Path heif, Path png) throws IOException {
    run(List.of("heif-convert", heif.toString(), png.toString()));
    return png;
  }

  /**
   * A photo-like PNG: smooth gradients, soft blobs, edges and sensor-like noise (deterministic per
   * seed).
   */
  public static Path photoLikePng(Path file, int width, int height, long seed) throws IOException {
    Random random = new Random(seed);
    BufferedImage im = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    double[][] blobs = new double[8][];
    for (int i = 0; i < blobs.length; i++) {
      blobs[i] =
          new double[] {
            random.nextDouble() * width,
            random.nextDouble() * height,
            (0.05 + random.nextDouble() * 0.2) * width,
            random.nextInt(3),
            60 + random.nextDouble() * 120
          };
    }
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        double[] c = {
          80 + 100.0 * y / height, 120 + 60 * Math.sin(x * 6.0 / width), 200 - 120.0 * x / width
        };
        for (double[] b : blobs) {
          double d = Math.hypot(x - b[0], y - b[1]) / b[2];
          c[(int) b[3]] += b[4] * Math.exp(-d * d);
        }
        if ((x / 37 + y / 53) % 7 == 0) c[1] -= 50; // some hard edges
        int rgb = 0;
        for (double v : c)
          rgb = rgb << 8 | (int) Math.max(0, Math.min(255, v + random.nextGaussian() * 4));
        im.setRGB(x, y, rgb);
      }
    }
    ImageIO.write(im, "png", file.toFile());
    return file;
  }

  /**
   * The file with its primary image's {@code ispe} (image spatial extents) property claiming width
   * x height.
   */
  public static byte[] withClaimedSize(byte[] heif, int width, int height) {
    byte[] out = heif.clone();
    int ispe = indexOf(out, "ispe") - 4;
    if (ispe < 0) throw new IllegalArgumentException("no ispe box");
    ByteBuffer.wrap(out)
        .putInt(ispe + 12, width)
        .putInt(ispe + 16, height); // after size, type, version+flags
    return out;
  }

  /** An {@code irot} property box: rotation by {@code quarterTurns} x 90 degrees anti-clockwise. */
  public static byte[] irot(int quarterTurns) {
    return new byte[] {0, 0, 0, 9, 'i', 'r', 'o', 't', (byte) (quarterTurns & 3)};
  }

  /**
   * An {@code imir} property box. libheif 1.15 mirrors left-right for {@code axis} 1 and top-bottom
   * for 0 (the meaning of the bit changed between editions of the HEIF standard; the tests check
   * against libheif's own tool).
   */
  public static byte[] imir(int axis) {
    return new byte[] {0, 0, 0, 9, 'i', 'm', 'i', 'r', (byte) (axis & 1)};
  }

  /**
   * The file with property boxes (e.g. {@link #irot}, {@link #imir}) appended to {@code ipco} and
   * associated, as essential and in the given order, with the primary item in {@code ipma}. Box
   * sizes up to {@code meta} and the {@code iloc} file offsets of data after {@code meta} are
   * updated. Expects the layout libheif writes: one {@code meta} before {@code mdat}, 16-bit item
   * ids, fewer than 128 properties.
   */
  public static byte[] withProperties(byte[] heif, byte[]... boxes) {
    ByteBuffer b = ByteBuffer.wrap(heif.clone());
    int meta = topLevel(b, "meta");
    int metaEnd = meta + b.getInt(meta);
    int iprp = child(b, meta + 12, metaEnd, "iprp");
    int iprpEnd = iprp + b.getInt(iprp);
    int ipco = child(b, iprp + 8, iprpEnd, "ipco");
    int ipma = child(b, iprp + 8, iprpEnd, "ipma");
    int pitm = child(b, meta + 12, metaEnd, "pitm");
    int iloc = child(b, meta + 12, metaEnd, "iloc");
    int primary = b.getShort(pitm + 12) & 0xffff;
    int properties = 0;
    for (int at = ipco + 8; at < ipco + b.getInt(ipco); at += b.getInt(at)) properties++;

    ByteArrayOutputStream added = new ByteArrayOutputStream();
    byte[] associations = new byte[boxes.length];
    for (int i = 0; i < boxes.length; i++) {
      added.writeBytes(boxes[i]);
      associations[i] = (byte) (0x80 | (properties + 1 + i)); // essential, 1-based index
    }
    int growth = added.size() + associations.length;

    // ipma: version 0, flags 0 (1-byte associations, 16-bit item ids)
    if (b.get(ipma + 8) != 0 || (b.get(ipma + 11) & 1) != 0)
      throw new IllegalArgumentException("ipma layout");
    int entries = b.getInt(ipma + 12), at = ipma + 16, insertAssociations = -1;
    for (int e = 0; e < entries; e++) {
      int item = b.getShort(at) & 0xffff, count = b.get(at + 2) & 0xff;
      if (item == primary) {
        b.put(at + 2, (byte) (count + boxes.length));
        insertAssociations = at + 3 + count;
      }
      at += 3 + count;
    }
    if (insertAssociations < 0)
      throw new IllegalArgumentException("primary item " + primary + " not in ipma");
    shiftIlocOffsets(b, iloc, metaEnd, growth);
    b.putInt(meta, b.getInt(meta) + growth);
    b.putInt(iprp, b.getInt(iprp) + growth);
    b.putInt(ipco, b.getInt(ipco) + added.size());
    b.putInt(ipma, b.getInt(ipma) + associations.length);

    byte[] in = b.array();
    int ipcoEnd = ipco + b.getInt(ipco) - added.size();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int[] cuts =
        ipcoEnd < insertAssociations
            ? new int[] {ipcoEnd, insertAssociations}
            : new int[] {insertAssociations, ipcoEnd};
    int from = 0;
    for (int cut : cuts) {
      out.write(in, from, cut - from);
      out.writeBytes(cut == ipcoEnd ? added.toByteArray() : associations);
      from = cut;
    }
    out.write(in, from, in.length - from);
    return out.toByteArray();
  }

  /**
   * Adds {@code delta} to every iloc file offset (construction method 0) that points at or after
   * {@code from}.
   */
  private static void shiftIlocOffsets(ByteBuffer b, int iloc, int from, int delta) {
    int version = b.get(iloc + 8);
    int sizes = b.get(iloc + 12) & 0xff, sizes2 = b.get(iloc + 13) & 0xff;
    int offsetSize = sizes >> 4, lengthSize = sizes & 15, baseSize = sizes2 >> 4;
    int indexSize = version == 1 || version == 2 ? sizes2 & 15 : 0;
    int at = iloc + 14;
    int items;
    if (version < 2) {
      items = b.getShort(at) & 0xffff;
      at += 2;
    } else {
      items = b.getInt(at);
      at += 4;
    }
    for (int i = 0; i < items; i++) {
      at += version < 2 ? 2 : 4; // item id
      int method = 0;
      if (version == 1 || version == 2) {
        method = b.getShort(at) & 15;
        at += 2;
      }
      at += 2; // data reference index
      long base = read(b, at, baseSize);
      boolean shiftBase = method == 0 && baseSize > 0 && base >= from;
      if (shiftBase) write(b, at, baseSize, base + delta);
      at += baseSize;
      int extents = b.getShort(at) & 0xffff;
      at += 2;
      for (int e = 0; e < extents; e++) {
        at += indexSize;
        long offset = read(b, at, offsetSize);
        if (method == 0 && !shiftBase && base + offset >= from)
          write(b, at, offsetSize, offset + delta);
        at += offsetSize + lengthSize;
      }
    }
  }

  private static long read(ByteBuffer b, int at, int size) {
    return switch (size) {
      case 0 -> 0;
      case 4 -> b.getInt(at) & 0xffffffffL;
      case 8 -> b.getLong(at);
      default -> throw new IllegalArgumentException("iloc field of " + size + " bytes");
    };
  }

  private static void write(ByteBuffer b, int at, int size, long value) {
    if (size == 4) b.putInt(at, (int) value);
    else b.putLong(at, value);
  }

  private static int topLevel(ByteBuffer b, String type) {
    return child(b, 0, b.limit(), type);
  }

  private static int child(ByteBuffer b, int from, int end, String type) {
    for (int at = from; at + 8 <= end; at += b.getInt(at)) {
      if (new String(b.array(), at + 4, 4, StandardCharsets.US_ASCII).equals(type)) return at;
      if (b.getInt(at) < 8) break;
    }
    throw new IllegalArgumentException("no " + type + " box");
  }

  private static int indexOf(byte[] data, String type) {
    byte[] t = type.getBytes(StandardCharsets.US_ASCII);
    outer:
    for (int i = 0; i + t.length <= data.length; i++) {
      for (int j = 0; j < t.length; j++) if (data[i + j] != t[j]) continue outer;
      return i;
    }
    return -1;
  }

  private static boolean onPath(String tool) {
    String path = System.getenv().getOrDefault("PATH", "");
    for (String dir : path.split(java.io.File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) return true;
    }
    return false;
  }

  private static void run(List<String> command) throws IOException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!p.waitFor(2, TimeUnit.MINUTES) || p.exitValue() != 0) {
        throw new IOException(String.join(" ", command) + " failed: " + output.strip());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }
}
