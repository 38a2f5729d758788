package dss.image;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * libheif's errors as per-file reasons (heif_error code and subcode values from libheif's heif.h,
 * written out here): a missing decoder plugin names the package that adds it. Runs without libheif:
 * the real decoder's errors for real damaged files are in {@link HeifDecodeTest}.
 */
class HeifErrorsTest {
  private static String reason(int code, int subcode, String label) {
    return HeifDecoders.failure(
            code, subcode, "libheif: detail", label, "IMG_0001." + label.toLowerCase(Locale.ROOT))
        .reason();
  }

  @Test
  void aMissingDecoderPluginNamesItsPackage() {
    // heif_error_Unsupported_feature (4), heif_suberror_Unsupported_codec (3000): libheif 1.17+
    // without its plugin
    assertEquals(
        "cannot decode HEIC: this libheif has no decoder for its compression (libheif: detail); "
            + "apt-get install libheif-plugin-libde265",
        reason(4, 3000, "HEIC"));
    assertEquals(
        "cannot decode HEIF: this libheif has no decoder for its compression (libheif: detail); "
            + "apt-get install libheif-plugin-libde265",
        reason(4, 3000, "HEIF"));
    assertEquals(
        "cannot decode AVIF: this libheif has no decoder for its compression (libheif: detail); "
            + "apt-get install libheif-plugin-dav1d",
        reason(4, 3000, "AVIF"));
  }

  @Test
  void otherErrorsSayWhatIsWrongWithTheFile() {
    assertEquals(
        "truncated HEIC (libheif: detail)", reason(2, 100, "HEIC")); // Invalid_input, End_of_data
    assertEquals("corrupt AVIF (libheif: detail)", reason(2, 2000, "AVIF")); // Invalid_input, other
    assertEquals(
        "image too large (libheif: detail) (decompression-bomb guard)", reason(6, 1000, "HEIC"));
    // Unsupported_feature, Unsupported_image_type: e.g. a VVC image in a libheif without VVC
    assertEquals("cannot decode HEIC image (libheif: detail)", reason(4, 3001, "HEIC"));
  }
}
