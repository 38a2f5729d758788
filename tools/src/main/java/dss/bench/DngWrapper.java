package dss.bench;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A JPEG wrapped as the preview of a minimal DNG (TIFF with DNGVersion in IFD0, the JPEG as the
 * single strip of a JPEG-compressed SubIFD), so the preprocess benchmark can time the camera-RAW
 * preview path on the sample photos.
 */
final class DngWrapper {
  private static final byte[] MAKE = "DNG wrapper\0".getBytes(StandardCharsets.US_ASCII);
  private static final int IFD0 = 8,
      IFD_SIZE = 2 + 5 * 12 + 4,
      MAKE_AT = IFD0 + IFD_SIZE,
      SUB_IFD = MAKE_AT + 12,
      JPEG_AT = SUB_IFD + IFD_SIZE;

  private DngWrapper() {}

  static byte[] wrap(byte[] jpeg) {
    ByteBuffer b = ByteBuffer.allocate(JPEG_AT + jpeg.length).order(ByteOrder.LITTLE_ENDIAN);
    b.put(new byte[] {'I', 'I', 42, 0}).putInt(IFD0);
    b.putShort((short) 5);
    entry(b, 254, 4, 1, 1); // NewSubFileType: IFD0 would hold a thumbnail
    entry(b, 271, 2, MAKE.length, MAKE_AT); // Make
    entry(b, 274, 3, 1, 1); // Orientation: upright
    entry(b, 330, 4, 1, SUB_IFD); // SubIFDs
    b.putShort((short) 50706)
        .putShort((short) 1)
        .putInt(4)
        .put(new byte[] {1, 4, 0, 0}); // DNGVersion 1.4
    b.putInt(0).put(MAKE);
    b.putShort((short) 5);
    entry(b, 254, 4, 1, 1); // a reduced-resolution (preview) image
    entry(b, 259, 3, 1, 7); // Compression: JPEG
    entry(b, 262, 3, 1, 6); // PhotometricInterpretation: YCbCr
    entry(b, 273, 4, 1, JPEG_AT); // StripOffsets
    entry(b, 279, 4, 1, jpeg.length); // StripByteCounts
    b.putInt(0).put(jpeg);
    return b.array();
  }

  private static void entry(ByteBuffer b, int tag, int type, int count, int value) {
    b.putShort((short) tag).putShort((short) type).putInt(count);
    if (type == 3) {
      b.putShort((short) value).putShort((short) 0);
    } else {
      b.putInt(value);
    }
  }
}
