package dss.image;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Camera RAW files, recognised by content and decoded through their largest embedded JPEG preview:
 * what photo managers show, what the camera rendered, and fast. No RAW sensor data is decoded here
 * (there is no LibRaw binding); a RAW without a usable preview is refused.
 *
 * <p>Recognition, for files whose first bytes say TIFF ("II*\0", "MM\0*") or one of the RAW
 * variants of it: ORF ("IIRO", "IIRS", "MMOR"), RW2 ("IIU\0"), CR2 ("CR" at byte 8), DNG (a
 * DNGVersion tag 50706 in IFD0), or any IFD holding CFA or LinearRaw sensor data
 * (PhotometricInterpretation 32803 or 34892; NEF, ARW, PEF and others, named by IFD0's Make). A
 * TIFF with none of these is a plain TIFF image and stays one. Outside TIFF: RAF (the
 * "FUJIFILMCCD-RAW " header) and CR3 (an ISO-BMFF file whose major brand is "crx ").
 *
 * <p>Previews: every IFD's JPEGInterchangeFormat (513/514), a single strip or tile of a
 * JPEG-compressed IFD (Compression 6 or 7), RW2's JpgFromRaw (tag 46), and the preview in Olympus
 * maker notes (ORF); RAF's JPEG (offset and length at bytes 84 and 88); CR3's PRVW and THMB boxes
 * and the first sample of each track when it is a JPEG (the full-size one). Candidates whose JPEG
 * frame cannot be decoded to pixels here (lossless JPEG is the RAW data itself in DNG and CR2) are
 * skipped; of the rest the one with most pixels (from its frame header, nothing decoded) wins.
 *
 * <p>Orientation: the preview's own EXIF orientation when it carries one, else the RAW's (IFD0's
 * Orientation tag; CR3: the one in its CMT1 box).
 */
final class RawPreview {
  static final String NO_PREVIEW =
      "camera RAW without an embedded preview (LibRaw decoding not available)";

  /** Tags and values outside the baseline TIFF set that RAW files use. */
  private static final int TAG_RW2_JPEG = 46;

  private static final int CFA = 32803, LINEAR_RAW = 34892;
  private static final int OLYMPUS_CAMERA_SETTINGS = 0x2020;

  /** The chosen preview of a RAW file of this {@code kind} ("dng", "cr2", ...). */
  record Preview(String kind, byte[] jpeg, int rawOrientation) {
    /** The preview's own EXIF orientation when it has one, else the RAW's (1 when neither says). */
    int orientation() {
      int own = Orientation.tag(jpeg, "jpeg");
      return own != 0 ? own : rawOrientation != 0 ? rawOrientation : 1;
    }
  }

  private record Candidate(long offset, long length, String where) {}

  private RawPreview() {}

  /**
   * The kind of camera RAW these bytes are ("dng", "cr2", "cr3", "nef", "arw", "orf", "rw2", "pef",
   * "raf", or "raw" for a TIFF-structured RAW of another make), or null when they are not one (a
   * plain TIFF, anything else).
   */
  static String kind(byte[] b) {
    if (startsWith(b, 0, "FUJIFILMCCD-RAW ")) {
      return "raf";
    }
    if (b.length >= 12 && startsWith(b, 4, "ftypcrx ")) {
      return "cr3";
    }
    if (startsWith(b, 0, "IIRO") || startsWith(b, 0, "IIRS") || startsWith(b, 0, "MMOR")) {
      return "orf";
    }
    if (startsWith(b, 0, "IIU\0")) {
      return "rw2";
    }
    if (!startsWith(b, 0, "II*\0") && !startsWith(b, 0, "MM\0*")) {
      return null;
    }
    if (startsWith(b, 8, "CR")) {
      return "cr2";
    }
    TiffStructure tiff = TiffStructure.parse(b, 0);
    if (tiff == null || tiff.ifd0() == null) {
      return null;
    }
    if (tiff.ifd0().get(TiffStructure.TAG_DNG_VERSION) != null) {
      return "dng";
    }
    for (TiffStructure.Ifd ifd : tiff.ifds()) {
      long photometric = tiff.value(ifd, TiffStructure.TAG_PHOTOMETRIC, -1);
      if (photometric == CFA || photometric == LINEAR_RAW) {
        return byMake(tiff.text(tiff.ifd0(), TiffStructure.TAG_MAKE));
      }
    }
    return null;
  }

  /**
   * The preview to decode for a RAW file, or null when the bytes are not a camera RAW (see {@link
   * #kind}).
   */
  static Preview find(byte[] b, String name) throws ImageException {
    String kind = kind(b);
    if (kind == null) {
      return null;
    }
    List<Candidate> candidates = new ArrayList<>();
    int orientation = 0;
    switch (kind) {
      case "raf" -> {
        if (b.length >= 92) {
          candidates.add(new Candidate(u32be(b, 84), u32be(b, 88), "RAF JPEG"));
        }
      }
      case "cr3" -> orientation = new IsoBmff(b, candidates).walk(0, b.length, 0);
      default -> {
        TiffStructure tiff = TiffStructure.parse(b, 0);
        if (tiff != null && tiff.ifd0() != null) {
          tiffCandidates(tiff, kind, candidates);
          orientation = orientation(tiff);
        }
      }
    }
    Candidate best =
        null; // copied out of the file only once chosen: a RAW holds several previews of megabytes
    long bestPixels = -1;
    String problem = null;
    for (Candidate c : candidates) {
      if (c.offset < 0 || c.length <= 0 || c.offset + c.length > b.length) {
        problem =
            problem != null
                ? problem
                : "its preview ("
                    + c.where
                    + ", "
                    + c.length
                    + " bytes at "
                    + c.offset
                    + ") lies outside the file ("
                    + b.length
                    + " bytes): truncated or corrupt";
        continue;
      }
      int from = (int) c.offset;
      if (c.length < 4 || (b[from] & 0xff) != 0xFF || (b[from + 1] & 0xff) != 0xD8) {
        continue; // not a JPEG (sensor data, an uncompressed thumbnail)
      }
      JpegHeader header;
      try {
        header = JpegHeader.parse(java.nio.ByteBuffer.wrap(b, from, (int) c.length).slice(), name);
      } catch (ImageException e) {
        problem =
            problem != null ? problem : "its preview (" + c.where + ") is unusable: " + e.reason();
        continue;
      }
      long pixels = (long) header.width() * header.height();
      if (header.decodable() && pixels > bestPixels) {
        best = c;
        bestPixels = pixels;
      }
    }
    if (best == null) {
      throw new ImageException(
          name,
          problem == null
              ? NO_PREVIEW
              : "camera RAW (" + kind + ") without a usable preview: " + problem);
    }
    byte[] jpeg = Arrays.copyOfRange(b, (int) best.offset, (int) (best.offset + best.length));
    return new Preview(kind, jpeg, orientation);
  }

  private static void tiffCandidates(TiffStructure tiff, String kind, List<Candidate> out) {
    for (TiffStructure.Ifd ifd : tiff.ifds()) {
      String where = "IFD at " + ifd.offset();
      long jpegOffset = tiff.value(ifd, TiffStructure.TAG_JPEG_OFFSET, -1);
      long jpegLength = tiff.value(ifd, TiffStructure.TAG_JPEG_LENGTH, -1);
      if (jpegOffset >= 0 && jpegLength >= 0) {
        out.add(new Candidate(tiff.absolute(jpegOffset), jpegLength, where));
      }
      long compression = tiff.value(ifd, TiffStructure.TAG_COMPRESSION, -1);
      if (compression == 6
          || compression == 7) { // a whole JPEG in one strip or tile; several tiles are not one
        for (int[] tags :
            new int[][] {
              {TiffStructure.TAG_STRIP_OFFSETS, TiffStructure.TAG_STRIP_BYTE_COUNTS},
              {TiffStructure.TAG_TILE_OFFSETS, TiffStructure.TAG_TILE_BYTE_COUNTS}
            }) {
          TiffStructure.Entry offsets = ifd.get(tags[0]), lengths = ifd.get(tags[1]);
          long offset = tiff.value(ifd, tags[0], -1), length = tiff.value(ifd, tags[1], -1);
          if (offset >= 0 && length >= 0 && offsets.count() == 1 && lengths.count() == 1) {
            out.add(new Candidate(tiff.absolute(offset), length, where));
          }
        }
      }
    }
    for (TiffStructure.Ifd ifd : tiff.ifds()) {
      TiffStructure.Entry note = ifd.get(TiffStructure.TAG_MAKER_NOTE);
      if (note != null && note.type() == 7) {
        olympusCandidates(tiff, note, out);
      }
    }
    TiffStructure.Entry rw2 = kind.equals("rw2") ? tiff.ifd0().get(TAG_RW2_JPEG) : null;
    if (rw2 != null && rw2.type() == 7) {
      out.add(new Candidate(rw2.at(), rw2.count(), "JpgFromRaw"));
    }
  }

  /**
   * Olympus and OM System maker notes ("OLYMPUS\0II\3\0" or "OM SYSTEM\0\0\0II\4\0", then an IFD;
   * offsets count from the maker note's start, as ExifTool reads them): the preview at
   * PreviewImageStart/Length (257/258) of the CameraSettings IFD (tag 0x2020). That is where ORF
   * files keep their JPEG preview.
   */
  private static void olympusCandidates(
      TiffStructure tiff, TiffStructure.Entry note, List<Candidate> out) {
    byte[] b = tiff.bytes();
    int at = note.at(),
        header = startsWith(b, at, "OLYMPUS\0") ? 12 : startsWith(b, at, "OM SYSTEM\0") ? 16 : 0;
    if (header == 0 || note.count() < header + 2) {
      return;
    }
    boolean big = b[at + header - 4] == 'M';
    TiffStructure maker = TiffStructure.at(b, at, big, header, OLYMPUS_CAMERA_SETTINGS);
    for (TiffStructure.Ifd ifd : maker.ifds()) {
      long start = maker.value(ifd, 0x0101, -1), length = maker.value(ifd, 0x0102, -1);
      if (start >= 0 && length >= 0) {
        out.add(new Candidate(maker.absolute(start), length, "Olympus maker note"));
      }
    }
  }

  /** IFD0's orientation (1..8), 0 when absent or invalid. */
  private static int orientation(TiffStructure tiff) {
    long o = tiff.value(tiff.ifd0(), TiffStructure.TAG_ORIENTATION, 0);
    return o >= 1 && o <= 8 ? (int) o : 0;
  }

  private static String byMake(String make) {
    String m = make.trim().toUpperCase(Locale.ROOT);
    if (m.startsWith("NIKON")) {
      return "nef";
    }
    if (m.startsWith("SONY")) {
      return "arw";
    }
    if (m.startsWith("PENTAX") || m.startsWith("RICOH") || m.startsWith("ASAHI")) {
      return "pef";
    }
    if (m.startsWith("CANON")) {
      return "cr2";
    }
    if (m.startsWith("OLYMPUS") || m.startsWith("OM DIGITAL")) {
      return "orf";
    }
    if (m.startsWith("PANASONIC")) {
      return "rw2";
    }
    return "raw";
  }

  /**
   * The boxes of a CR3 file (ISO-BMFF): collects the JPEG candidates (PRVW, THMB, each track's
   * first sample) and returns the orientation from the CMT1 box (a TIFF IFD0), 0 when none.
   */
  private static final class IsoBmff {
    private static final int MAX_DEPTH = 8, MAX_BOXES = 10_000;
    private static final List<String> CONTAINERS =
        List.of("moov", "trak", "mdia", "minf", "stbl", "uuid");
    private final byte[] b;
    private final List<Candidate> out;
    private int boxes;

    IsoBmff(byte[] b, List<Candidate> out) {
      this.b = b;
      this.out = out;
    }

    int walk(int from, int to, int depth) {
      int orientation = 0;
      int p = from;
      long sampleSize = -1, chunkOffset = -1;
      while (p + 8 <= to && boxes++ < MAX_BOXES) {
        long size = u32be(b, p);
        String type = new String(b, p + 4, 4, StandardCharsets.ISO_8859_1);
        int header = 8;
        if (size == 1 && p + 16 <= to) {
          size = u32be(b, p + 8) << 32 | u32be(b, p + 12);
          header = 16;
        } else if (size == 0) {
          size = to - p;
        }
        if (size < header || p + size > to) {
          return orientation; // a box overrunning its parent: stop here, keep what was found
        }
        int start = p + header, end = (int) (p + size);
        switch (type) {
          case "PRVW", "THMB" -> {
            int jpeg = indexOfSoi(start, Math.min(end, start + 64));
            if (jpeg >= 0) {
              out.add(new Candidate(jpeg, end - jpeg, type + " box"));
            }
          }
          case "CMT1" -> {
            TiffStructure tiff = TiffStructure.parse(b, start);
            if (tiff != null && tiff.ifd0() != null) {
              orientation = RawPreview.orientation(tiff);
            }
          }
          case "stsz" -> {
            if (start + 12 <= end) {
              sampleSize = u32be(b, start + 4);
              if (sampleSize == 0 && u32be(b, start + 8) > 0 && start + 16 <= end) {
                sampleSize = u32be(b, start + 12);
              }
            }
          }
          case "stco" ->
              chunkOffset = start + 12 <= end && u32be(b, start + 4) > 0 ? u32be(b, start + 8) : -1;
          case "co64" ->
              chunkOffset =
                  start + 16 <= end && u32be(b, start + 4) > 0
                      ? u32be(b, start + 8) << 32 | u32be(b, start + 12)
                      : -1;
          default -> {
            if (CONTAINERS.contains(type) && depth < MAX_DEPTH) {
              // a uuid box's payload starts after its 16-byte user type; Canon's preview uuid has 8
              // more bytes
              int child = type.equals("uuid") ? start + 16 : start;
              if (type.equals("uuid") && child + 8 <= end && !plausibleBox(child, end)) {
                child += 8;
              }
              orientation = Math.max(orientation, walk(child, end, depth + 1));
            }
          }
        }
        p = end;
      }
      if (sampleSize > 0 && chunkOffset >= 0) {
        out.add(new Candidate(chunkOffset, sampleSize, "track sample"));
      }
      return orientation;
    }

    private boolean plausibleBox(int p, int end) {
      long size = u32be(b, p);
      return size >= 8 && p + size <= end && b[p + 4] >= 'A' && b[p + 4] <= 'z';
    }

    private int indexOfSoi(int from, int to) {
      for (int i = from; i + 2 < to; i++) {
        if ((b[i] & 0xff) == 0xFF && (b[i + 1] & 0xff) == 0xD8 && (b[i + 2] & 0xff) == 0xFF) {
          return i;
        }
      }
      return -1;
    }
  }

  private static long u32be(byte[] b, int at) {
    return (b[at] & 0xffL) << 24
        | (b[at + 1] & 0xff) << 16
        | (b[at + 2] & 0xff) << 8
        | (b[at + 3] & 0xff);
  }

  private static boolean startsWith(byte[] b, int at, String s) {
    if (b.length < at + s.length()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      if (b[at + i] != (byte) s.charAt(i)) {
        return false;
      }
    }
    return true;
  }
}
