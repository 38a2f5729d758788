package dss.image;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import javax.imageio.ImageIO;

/**
 * Camera-RAW-structured files built around real JPEGs, for tests: no real RAW sample can be had
 * here. Each has the structure its format's specification (or ExifTool's documentation of it) gives
 * for where the previews lie: a DNG with DNGVersion and a SubIFD preview, a CR2 with its "CR"
 * header and the JPEG in IFD0's strip, a NEF-like file with a thumbnail in IFD1 and a larger JPEG
 * in a SubIFD beside CFA sensor data, a RAF header, and CR3's boxes. The sensor data itself is a
 * tiny lossless-JPEG stream (as in DNG and CR2) or filler bytes.
 */
public final class RawFiles {
  private RawFiles() {}

  /** TIFF field types used here. */
  static final int BYTE = 1, ASCII = 2, SHORT = 3, LONG = 4, UNDEFINED = 7;

  /**
   * A DNG: IFD0 (DNGVersion, Make, Orientation, a small RGB thumbnail) and a SubIFD holding the
   * JPEG preview.
   */
  public static byte[] dng(byte[] previewJpeg, int orientation) {
    Tiff t = new Tiff("II*\0");
    byte[] sensorData = losslessSensorData();
    int preview = t.blob(previewJpeg),
        sensor = t.blob(sensorData),
        thumb = t.blob(new byte[16 * 12 * 3]);
    Ifd ifd0 =
        new Ifd()
            .num(254, LONG, 1)
            .num(256, SHORT, 16)
            .num(257, SHORT, 12)
            .num(259, SHORT, 1)
            .num(262, SHORT, 2)
            .num(274, SHORT, orientation)
            .num(277, SHORT, 3)
            .ascii(271, "Test Camera")
            .offset(273, thumb)
            .num(279, LONG, 16 * 12 * 3)
            .bytes(50706, BYTE, new byte[] {1, 4, 0, 0});
    Ifd previewIfd =
        new Ifd()
            .num(254, LONG, 1)
            .num(259, SHORT, 7)
            .num(262, SHORT, 6)
            .offset(273, preview)
            .num(279, LONG, previewJpeg.length);
    Ifd raw =
        new Ifd()
            .num(254, LONG, 0)
            .num(259, SHORT, 7)
            .num(262, SHORT, 32803)
            .offset(273, sensor)
            .num(279, LONG, sensorData.length);
    ifd0.subIfds(raw, previewIfd);
    return t.write(ifd0);
  }

  /**
   * A CR2: "CR" marker at byte 8, the full-size JPEG as IFD0's single strip (old-style JPEG), a
   * thumbnail in IFD1.
   */
  public static byte[] cr2(byte[] fullJpeg, byte[] thumbJpeg, int orientation) {
    Tiff t = new Tiff("II*\0", 'C', 'R', 2, 0, 0, 0, 0, 0);
    byte[] sensorData = losslessSensorData();
    int full = t.blob(fullJpeg), thumb = t.blob(thumbJpeg), sensor = t.blob(sensorData);
    Ifd ifd0 =
        new Ifd()
            .ascii(271, "Canon")
            .num(259, SHORT, 6)
            .num(274, SHORT, orientation)
            .offset(273, full)
            .num(279, LONG, fullJpeg.length);
    Ifd ifd1 = new Ifd().num(259, SHORT, 6).offset(513, thumb).num(514, LONG, thumbJpeg.length);
    Ifd ifd3 = new Ifd().num(259, SHORT, 6).offset(273, sensor).num(279, LONG, sensorData.length);
    ifd0.next(ifd1);
    ifd1.next(ifd3);
    return t.write(ifd0);
  }

  /**
   * A NEF-like file (big-endian, as Nikon writes): IFD0 with Make NIKON, a JPEG at IFD1's
   * JPEGInterchangeFormat, another in SubIFD 0 and the CFA sensor data in SubIFD 1.
   */
  public static byte[] nef(byte[] ifd1Jpeg, byte[] subIfdJpeg, int orientation) {
    Tiff t = new Tiff("MM\0*");
    int a = t.blob(ifd1Jpeg), b = t.blob(subIfdJpeg), sensor = t.blob(new byte[64]);
    Ifd ifd0 =
        new Ifd()
            .ascii(271, "NIKON CORPORATION")
            .ascii(272, "NIKON D850")
            .num(274, SHORT, orientation);
    Ifd preview =
        new Ifd()
            .num(254, LONG, 1)
            .num(259, SHORT, 6)
            .offset(513, b)
            .num(514, LONG, subIfdJpeg.length);
    Ifd raw =
        new Ifd()
            .num(254, LONG, 0)
            .num(259, SHORT, 34713)
            .num(262, SHORT, 32803)
            .offset(273, sensor)
            .num(279, LONG, 64);
    ifd0.subIfds(preview, raw);
    ifd0.next(new Ifd().num(259, SHORT, 6).offset(513, a).num(514, LONG, ifd1Jpeg.length));
    return t.write(ifd0);
  }

  /**
   * An ORF: "IIRO", IFD0 with an uncompressed thumbnail, and the JPEG preview inside the Olympus
   * maker note of the EXIF IFD ("OLYMPUS\0II\3\0", an IFD whose CameraSettings entry 0x2020 points
   * to PreviewImageStart/Length 0x0101/0x0102; offsets from the maker note's start).
   */
  public static byte[] orf(byte[] previewJpeg, int orientation) {
    ByteBuffer note = ByteBuffer.allocate(60 + previewJpeg.length).order(ByteOrder.LITTLE_ENDIAN);
    note.put("OLYMPUS\0II".getBytes(StandardCharsets.US_ASCII)).putShort((short) 3);
    note.putShort((short) 1)
        .putShort((short) 0x2020)
        .putShort((short) 13)
        .putInt(1)
        .putInt(30)
        .putInt(0);
    note.putShort((short) 2)
        .putShort((short) 0x0101)
        .putShort((short) LONG)
        .putInt(1)
        .putInt(60)
        .putShort((short) 0x0102)
        .putShort((short) LONG)
        .putInt(1)
        .putInt(previewJpeg.length)
        .putInt(0);
    note.put(previewJpeg);
    Tiff t = new Tiff("IIRO");
    int thumb = t.blob(new byte[16 * 12 * 3]);
    Ifd ifd0 =
        new Ifd()
            .ascii(271, "OLYMPUS IMAGING CORP.  ")
            .num(256, SHORT, 16)
            .num(257, SHORT, 12)
            .num(259, SHORT, 1)
            .num(262, SHORT, 2)
            .num(274, SHORT, orientation)
            .offset(273, thumb)
            .num(279, LONG, 16 * 12 * 3);
    ifd0.pointer(34665, new Ifd().num(33434, LONG, 1).bytes(37500, UNDEFINED, note.array()));
    return t.write(ifd0);
  }

  /**
   * A plain TIFF (no RAW marks) whose IFD0 is an 8x8 RGB image: what a scanner or editor writes.
   */
  public static byte[] plainTiffWithJpegThumbnail(byte[] jpeg) {
    Tiff t = new Tiff("II*\0");
    int pixels = t.blob(new byte[8 * 8 * 3]), thumb = t.blob(jpeg);
    Ifd ifd0 =
        new Ifd()
            .ascii(271, "NIKON CORPORATION")
            .num(256, SHORT, 8)
            .num(257, SHORT, 8)
            .shorts(258, 8, 8, 8)
            .num(259, SHORT, 1)
            .num(262, SHORT, 2)
            .offset(273, pixels)
            .num(277, SHORT, 3)
            .num(278, SHORT, 8)
            .num(279, LONG, 8 * 8 * 3);
    ifd0.next(new Ifd().num(259, SHORT, 6).offset(513, thumb).num(514, LONG, jpeg.length));
    return t.write(ifd0);
  }

  /** A RAF: the FUJIFILMCCD-RAW header with the JPEG's offset and length at bytes 84 and 88. */
  public static byte[] raf(byte[] jpeg) {
    ByteBuffer out = ByteBuffer.allocate(160 + jpeg.length + 64).order(ByteOrder.BIG_ENDIAN);
    out.put("FUJIFILMCCD-RAW 0201FF383501".getBytes(StandardCharsets.US_ASCII));
    out.position(28).put("X-T3".getBytes(StandardCharsets.US_ASCII));
    out.position(60).put("0100".getBytes(StandardCharsets.US_ASCII));
    out.position(84).putInt(160).putInt(jpeg.length).putInt(160 + jpeg.length).putInt(64);
    out.position(160).put(jpeg);
    return out.array();
  }

  /**
   * A CR3: ftyp "crx ", a moov with Canon's uuid box (CMT1: a TIFF IFD0 with the orientation; THMB:
   * a thumbnail) and one track whose first sample is {@code trackJpeg} (in mdat), and the preview
   * uuid box holding PRVW.
   */
  public static byte[] cr3(byte[] trackJpeg, byte[] prvwJpeg, byte[] thumbJpeg, int orientation) {
    byte[] ftyp = box("ftyp", ascii("crx "), new byte[4], ascii("crx isom"));
    Tiff cmt = new Tiff("II*\0");
    byte[] cmt1 =
        box("CMT1", cmt.write(new Ifd().ascii(271, "Canon").num(274, SHORT, orientation)));
    byte[] thmb =
        box(
            "THMB",
            new byte[] {0, 0, 0, 0, 0, (byte) 160, 0, 120},
            be32(thumbJpeg.length),
            new byte[] {0, 1, 0, 0},
            thumbJpeg);
    byte[] canon =
        box(
            "uuid",
            hex("85c0b687820f11e08111f4ce462b6a48"),
            box("CNCV", ascii("CanonCR3_001/00.09.00/00.00.00")),
            cmt1,
            thmb);
    byte[] prvw =
        box(
            "PRVW",
            new byte[] {0, 0, 0, 0, 0, 1, 6, 84, 4, 56, 0, 1},
            be32(prvwJpeg.length),
            prvwJpeg);
    byte[] previewUuid = box("uuid", hex("eaf42b5e1c984b88b9fbb7dc406e4d16"), new byte[8], prvw);
    // mdat after moov: moov's size must be known to place the chunk offset, and it does not depend
    // on the offset
    int mdatData = 0; // filled below
    for (int pass = 0; pass < 2; pass++) {
      byte[] stbl =
          box(
              "stbl",
              box("stsd", new byte[8]),
              box("stsz", new byte[4], be32(trackJpeg.length), be32(1)),
              box("co64", new byte[4], be32(1), be32(0), be32(mdatData)));
      byte[] moov = box("moov", canon, box("trak", box("mdia", box("minf", stbl))));
      int mdatStart = ftyp.length + moov.length + previewUuid.length;
      if (pass == 1) {
        return concat(ftyp, moov, previewUuid, box("mdat", trackJpeg));
      }
      mdatData = mdatStart + 8;
    }
    throw new AssertionError();
  }

  /**
   * What RAW sensor data looks like to a JPEG parser in DNG and CR2: a complete lossless-JPEG
   * (SOF3) stream, 14-bit, 16x16, two components; never a preview.
   */
  public static byte[] losslessSensorData() {
    return new byte[] {
      (byte) 0xFF,
      (byte) 0xD8,
      (byte) 0xFF,
      (byte) 0xC3,
      0,
      14,
      14,
      0,
      16,
      0,
      16,
      2,
      1,
      0x11,
      0,
      2,
      0x11,
      0,
      (byte) 0xFF,
      (byte) 0xDA,
      0,
      10,
      2,
      1,
      0,
      2,
      0,
      1,
      0,
      0,
      0x12,
      0x34,
      0x56,
      0x78,
      (byte) 0xFF,
      (byte) 0xD9
    };
  }

  /** An 8-bit RGB JPEG of this picture (JDK ImageIO, default quality), without EXIF. */
  public static byte[] jpeg(BufferedImage image) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(image, "jpg", out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** The JPEG with its frame header's width and height replaced (a header that lies). */
  public static byte[] withFrameSize(byte[] jpeg, int width, int height) {
    byte[] b = jpeg.clone();
    for (int p = 2; p + 9 < b.length; ) {
      int marker = b[p + 1] & 0xff, length = (b[p + 2] & 0xff) << 8 | (b[p + 3] & 0xff);
      if (marker == 0xC0 || marker == 0xC1 || marker == 0xC2) {
        b[p + 5] = (byte) (height >> 8);
        b[p + 6] = (byte) height;
        b[p + 7] = (byte) (width >> 8);
        b[p + 8] = (byte) width;
        return b;
      }
      p += 2 + length;
    }
    throw new IllegalArgumentException("no frame header");
  }

  /** The JPEG without its APP1 (EXIF) segments, so it carries no orientation of its own. */
  public static byte[] withoutExif(byte[] jpeg) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(jpeg, 0, 2);
    int p = 2;
    while (p + 4 <= jpeg.length && (jpeg[p + 1] & 0xff) != 0xDA) {
      int length = (jpeg[p + 2] & 0xff) << 8 | (jpeg[p + 3] & 0xff);
      if ((jpeg[p + 1] & 0xff) != 0xE1) {
        out.write(jpeg, p, 2 + length);
      }
      p += 2 + length;
    }
    out.write(jpeg, p, jpeg.length - p);
    return out.toByteArray();
  }

  // --- a small TIFF writer
  // ---------------------------------------------------------------------------------------

  /** One IFD under construction: entries by tag (written in ascending order, as TIFF requires). */
  static final class Ifd {
    private final TreeMap<Integer, Object[]> entries =
        new TreeMap<>(); // tag -> {type, values (long[] or byte[])}
    private final TreeMap<Integer, Integer> blobRefs =
        new TreeMap<>(); // tag -> blob index (an offset value)
    private final TreeMap<Integer, List<Ifd>> children =
        new TreeMap<>(); // tag -> the IFDs it points to
    private Ifd next;

    Ifd num(int tag, int type, long value) {
      entries.put(tag, new Object[] {type, new long[] {value}});
      return this;
    }

    Ifd shorts(int tag, long... values) {
      entries.put(tag, new Object[] {SHORT, values});
      return this;
    }

    Ifd ascii(int tag, String text) {
      return bytes(tag, ASCII, (text + "\0").getBytes(StandardCharsets.US_ASCII));
    }

    Ifd bytes(int tag, int type, byte[] data) {
      entries.put(tag, new Object[] {type, data});
      return this;
    }

    /** A LONG entry holding the offset of blob {@code blob}. */
    Ifd offset(int tag, int blob) {
      entries.put(tag, new Object[] {LONG, new long[] {0}});
      blobRefs.put(tag, blob);
      return this;
    }

    void subIfds(Ifd... children) {
      pointer(330, children);
    }

    /** An entry pointing to other IFDs (SubIFDs 330, the EXIF IFD 34665). */
    Ifd pointer(int tag, Ifd... ifds) {
      children.put(tag, List.of(ifds));
      entries.put(tag, new Object[] {LONG, new long[ifds.length]});
      return this;
    }

    void next(Ifd ifd) {
      next = ifd;
    }

    private int size() {
      int n = 2 + 12 * entries.size() + 4;
      for (Object[] e : entries.values()) {
        int bytes = byteCount(e);
        n += bytes > 4 ? bytes + (bytes & 1) : 0;
      }
      return n;
    }
  }

  /**
   * A TIFF file: a header (byte order, magic, optional extra bytes), the IFDs, then the data blobs.
   */
  static final class Tiff {
    private final byte[] header;
    private final List<byte[]> blobs = new ArrayList<>();

    Tiff(String byteOrderAndMagic, int... extra) {
      header = new byte[8 + extra.length];
      System.arraycopy(byteOrderAndMagic.getBytes(StandardCharsets.ISO_8859_1), 0, header, 0, 4);
      for (int i = 0; i < extra.length; i++) {
        header[8 + i] = (byte) extra[i];
      }
    }

    int blob(byte[] data) {
      blobs.add(data);
      return blobs.size() - 1;
    }

    byte[] write(Ifd ifd0) {
      ByteOrder order = header[0] == 'M' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
      List<Ifd> all = new ArrayList<>();
      collect(ifd0, all);
      // the directories first, then the data they point to (as cameras write: a cut file loses
      // data, not IFD0)
      java.util.Map<Ifd, Integer> ifdAt = new java.util.IdentityHashMap<>();
      int p = header.length;
      for (Ifd ifd : all) {
        ifdAt.put(ifd, p);
        p += ifd.size();
      }
      int[] blobAt = new int[blobs.size()];
      for (int i = 0; i < blobs.size(); i++) {
        blobAt[i] = p;
        p += blobs.get(i).length + (blobs.get(i).length & 1);
      }
      ByteBuffer out = ByteBuffer.allocate(p).order(order);
      out.put(header);
      out.putInt(4, ifdAt.get(ifd0));
      for (int i = 0; i < blobs.size(); i++) {
        out.put(blobAt[i], blobs.get(i));
      }
      for (Ifd ifd : all) {
        int at = ifdAt.get(ifd), data = at + 2 + 12 * ifd.entries.size() + 4;
        out.putShort(at, (short) ifd.entries.size());
        int e = at + 2;
        for (var entry : ifd.entries.entrySet()) {
          int tag = entry.getKey(), type = (int) entry.getValue()[0];
          Object values = entry.getValue()[1];
          if (ifd.blobRefs.containsKey(tag)) {
            values = new long[] {blobAt[ifd.blobRefs.get(tag)]};
          } else if (ifd.children.containsKey(tag)) {
            values = ifd.children.get(tag).stream().mapToLong(ifdAt::get).toArray();
          }
          int count = values instanceof byte[] bytes ? bytes.length : ((long[]) values).length;
          int bytes = byteCount(new Object[] {type, values});
          out.putShort(e, (short) tag).putShort(e + 2, (short) type).putInt(e + 4, count);
          int valueAt = e + 8;
          if (bytes > 4) {
            out.putInt(e + 8, data);
            valueAt = data;
            data += bytes + (bytes & 1);
          }
          if (values instanceof byte[] raw) {
            out.put(valueAt, raw);
          } else {
            long[] v = (long[]) values;
            for (int i = 0; i < v.length; i++) {
              if (type == SHORT) {
                out.putShort(valueAt + 2 * i, (short) v[i]);
              } else {
                out.putInt(valueAt + 4 * i, (int) v[i]);
              }
            }
          }
          e += 12;
        }
        out.putInt(e, ifd.next == null ? 0 : ifdAt.get(ifd.next));
      }
      return out.array();
    }

    private static void collect(Ifd ifd, List<Ifd> all) {
      for (Ifd i = ifd; i != null; i = i.next) {
        all.add(i);
        for (List<Ifd> subs : i.children.values()) {
          for (Ifd sub : subs) {
            collect(sub, all);
          }
        }
      }
    }
  }

  private static int byteCount(Object[] entry) {
    int type = (int) entry[0];
    if (entry[1] instanceof byte[] b) {
      return b.length;
    }
    return ((long[]) entry[1]).length * (type == SHORT ? 2 : 4);
  }

  // --- ISO-BMFF boxes
  // ---------------------------------------------------------------------------------------------

  static byte[] box(String type, byte[]... payload) {
    byte[] body = concat(payload);
    return concat(be32(8 + body.length), ascii(type), body);
  }

  private static byte[] be32(int v) {
    return ByteBuffer.allocate(4).putInt(v).array();
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static byte[] hex(String s) {
    byte[] b = new byte[s.length() / 2];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
    }
    return b;
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }
}
