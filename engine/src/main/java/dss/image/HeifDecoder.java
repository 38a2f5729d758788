package dss.image;

/**
 * HEIF-family images (HEIC, generic HEIF, AVIF) through a native library. Implementations are
 * thread-safe and free every native object before returning, on every path.
 */
interface HeifDecoder {
  /**
   * Called with the primary image's upright size after the header is read and before any pixel is
   * decoded.
   */
  @FunctionalInterface
  interface SizeCheck {
    void check(int width, int height) throws ImageException;
  }

  /**
   * The primary image (not its thumbnail; the primary image of a burst or sequence) with the file's
   * own transformations (irot, imir, clap) applied, as 8-bit RGB: deeper images reduced to 8 bits,
   * alpha dropped (as Pillow's {@code convert("RGB")}). EXIF orientation is not applied (see {@link
   * Orientation#read}).
   *
   * @param label "HEIC", "HEIF" or "AVIF", for error messages
   */
  RgbImage decode(byte[] file, String label, String name, SizeCheck sizeCheck)
      throws ImageException;

  /** The library's own version string, e.g. {@code "1.15.1"}. */
  String version();

  /**
   * The compressions this libheif has no decoder for, each with what it costs and the package that
   * adds it (libheif 1.17+ loads its decoders as plugins, and an install without recommended
   * packages has none for HEVC, i.e. for every iPhone photo); empty when HEVC and AV1 both decode.
   */
  java.util.List<String> missingDecoders();
}
