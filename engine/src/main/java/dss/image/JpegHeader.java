package dss.image;

import java.nio.ByteBuffer;

/**
 * What the JPEG marker segments say before any pixel is decoded: frame size and component count
 * (from SOFn), and whether the entropy-coded data is complete (an EOI marker after the first SOS).
 * Decoders based on libjpeg "succeed" on a truncated file and pad it with grey, so completeness is
 * checked here, on the structure. Reads the bytes in place (a mapped file is not copied): the
 * markers at the start and the end marker from the end.
 */
record JpegHeader(int width, int height, int components, int frameMarker, int precision) {
  /**
   * True for the frame types libjpeg-turbo decodes to pixels (8-bit DCT: baseline, extended,
   * progressive, Huffman or arithmetic coded); false for lossless (SOF3, the raw data inside DNG
   * and CR2), hierarchical and 12-bit frames.
   */
  boolean decodable() {
    return precision == 8
        && (frameMarker == 0xC0
            || frameMarker == 0xC1
            || frameMarker == 0xC2
            || frameMarker == 0xC9
            || frameMarker == 0xCA);
  }

  /**
   * Why a frame that is not {@link #decodable()} is refused, e.g. "unsupported JPEG (12-bit
   * samples)".
   */
  String unsupportedReason() {
    String what =
        precision != 8
            ? precision + "-bit samples"
            : frameMarker == 0xC3 || frameMarker == 0xCB
                ? "lossless coding"
                : "frame type SOF" + (frameMarker - 0xC0) + ", hierarchical";
    return "unsupported JPEG (" + what + ")";
  }

  static JpegHeader parse(ByteBuffer b, String name) throws ImageException {
    int p = 2; // after SOI
    int width = -1, height = -1, components = -1, frameMarker = -1, precision = -1;
    while (true) {
      if (p + 4 > b.limit()) {
        throw new ImageException(name, "truncated JPEG (file ends inside the header)");
      }
      int marker = b.get(p + 1) & 0xff;
      if ((b.get(p) & 0xff) != 0xFF || marker == 0x00) {
        // stray bytes where a marker should be (a wrong segment length, junk after a segment):
        // libjpeg skips them to the next marker with a warning, and so do Pillow and every viewer
        // built on it
        p = nextMarker(b, p + 1, name);
        continue;
      }
      if (marker == 0xFF) { // fill byte
        p++;
        continue;
      }
      if (marker == 0x01
          || (marker >= 0xD0 && marker <= 0xD7)) { // TEM, RSTn: markers without a segment
        p += 2;
        continue;
      }
      int length = (b.get(p + 2) & 0xff) << 8 | (b.get(p + 3) & 0xff);
      if (length < 2) {
        throw new ImageException(
            name, "corrupt JPEG (segment length " + length + " at byte " + p + ")");
      }
      boolean frame =
          marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
      if (frame) {
        if (p + 10 > b.limit()) {
          throw new ImageException(name, "truncated JPEG (file ends inside the frame header)");
        }
        height = (b.get(p + 5) & 0xff) << 8 | (b.get(p + 6) & 0xff);
        width = (b.get(p + 7) & 0xff) << 8 | (b.get(p + 8) & 0xff);
        components = b.get(p + 9) & 0xff;
        frameMarker = marker;
        precision = b.get(p + 4) & 0xff;
      } else if (marker == 0xDA) { // SOS: pixel data follows
        if (width <= 0 || height <= 0 || components <= 0) {
          throw new ImageException(
              name, "corrupt JPEG (no valid frame header before the image data)");
        }
        if (!hasEndMarkerAfter(b, p + 2 + length)) {
          throw new ImageException(
              name, "truncated JPEG (image data ends before the end-of-image marker)");
        }
        return new JpegHeader(width, height, components, frameMarker, precision);
      } else if (marker == 0xD9) {
        throw new ImageException(name, "corrupt JPEG (end of image before any image data)");
      }
      p += 2 + length;
    }
  }

  /**
   * The position of the next 0xFF followed by a marker code (neither 0x00, a stuffed byte, nor
   * 0xFF, fill).
   */
  private static int nextMarker(ByteBuffer b, int from, String name) throws ImageException {
    for (int i = from; i + 1 < b.limit(); i++) {
      int next = b.get(i + 1) & 0xff;
      if (b.get(i) == (byte) 0xFF && next != 0x00 && next != 0xFF) {
        return i;
      }
    }
    throw new ImageException(name, "truncated JPEG (file ends inside the header)");
  }

  /**
   * Entropy-coded data never holds FF D9 (0xFF is stuffed as FF 00), so a last EOI past the scan
   * start suffices.
   */
  private static boolean hasEndMarkerAfter(ByteBuffer b, int start) {
    for (int i = b.limit() - 2; i >= start; i--) {
      if (b.get(i) == (byte) 0xFF && b.get(i + 1) == (byte) 0xD9) {
        return true;
      }
    }
    return false;
  }
}
