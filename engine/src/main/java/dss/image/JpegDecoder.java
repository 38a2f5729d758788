package dss.image;

import java.nio.ByteBuffer;

/**
 * A JPEG decoder that can scale down in the DCT domain. Implementations are thread-safe. Not for
 * CMYK/YCCK files (4 components), which {@link ImageIoDecoder} reads.
 */
interface JpegDecoder {
  /**
   * Decodes to 8-bit RGB at 1/{@code reduction} of the full size (1, 2, 4 or 8; each side rounded
   * up), grey replicated, EXIF orientation left to the caller. Errors are {@link ImageException}s
   * naming {@code name}.
   */
  RgbImage decode(byte[] jpeg, int reduction, String name) throws ImageException;

  /**
   * As {@link #decode(byte[], int, String)} for the bytes 0..limit of {@code jpeg} (a file mapped
   * by {@link ImagePipeline#map}, or wrapped bytes): a decoder that can read it without a heap copy
   * overrides this.
   */
  default RgbImage decode(ByteBuffer jpeg, int reduction, String name) throws ImageException {
    return decode(ImagePipeline.array(jpeg), reduction, name);
  }

  /**
   * What decodes, for logs and benchmark output, e.g. {@code "turbojpeg (libturbojpeg.so.0,
   * SIMD)"}.
   */
  String description();
}
