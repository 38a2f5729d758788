package dss.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Capture date and camera read from real files. The expected values were read once from each file
 * with Debian's Pillow 9.4 ({@code Image.open(f).getexif()}, its EXIF IFD 0x8769 for tags 0x9003
 * DateTimeOriginal, 0x9004 DateTimeDigitized, 0x9011 OffsetTimeOriginal; IFD0 0x010F Make, 0x0110
 * Model; for the AVIF, {@code Image.Exif().load()} of its EXIF item's TIFF bytes) and ImageMagick's
 * {@code identify -verbose} (the HEIC), and written here as literals. Files under {@code capture/}
 * come from ianare/exif-samples, photoprism and exiftool's test images (SOURCES.tsv there); the
 * others from the vendored corpora.
 */
class CaptureTest {
  private static byte[] file(String resource) throws Exception {
    return Files.readAllBytes(Path.of(CaptureTest.class.getResource("/" + resource).toURI()));
  }

  private static void assertCapture(String resource, String taken, String make, String model)
      throws Exception {
    Capture c = Capture.read(file(resource));
    assertEquals(new Capture(taken, make, model), c, resource);
  }

  @Test
  void jpegFromACameraHasItsDateOriginalAndCamera() throws Exception {
    // DateTimeOriginal 2008:05:30 15:56:01 (IFD0 DateTime, the edit date, is 2008:07:31 10:38:11)
    assertCapture("capture/Canon_40D.jpg", "2008-05-30T15:56:01", "Canon", "Canon EOS 40D");
    // DateTimeOriginal only (no DateTimeDigitized)
    assertCapture("capture/Nikon_D70.jpg", "2008-03-15T09:52:01", "NIKON CORPORATION", "NIKON D70");
  }

  @Test
  void heicFromAPhoneCarriesItsOffset() throws Exception {
    // DateTimeOriginal 2021:04:11 15:47:53, OffsetTimeOriginal -05:00
    assertCapture(
        "capture/IMG_5195.HEIC", "2021-04-11T15:47:53-05:00", "Apple", "iPhone 11 Pro Max");
  }

  @Test
  void avifExifItemIsRead() throws Exception {
    // DateTimeOriginal 2013:12:17 22:15:36, no Make/Model
    assertCapture("corpora/av1-avif/bbb_alpha_inverted.avif", "2013-12-17T22:15:36", null, null);
  }

  @Test
  void tiffWithAnExifDirectory() throws Exception {
    // DateTimeOriginal 2015:11:20 05:20:30, Make Canon, Model Canon EOS 6D
    assertCapture("capture/photoprism-example.tif", "2015-11-20T05:20:30", "Canon", "Canon EOS 6D");
    // DateTimeDigitized 2013:11:11 12:16:15 only: the fallback
    assertCapture("capture/photoprism-purple.tiff", "2013-11-11T12:16:15", null, null);
  }

  @Test
  void cameraRawFilesFromThreeMakers() throws Exception {
    // DateTimeOriginal 2004:06:09 16:02:35 (IFD0 DateTime, the edit date, is 2005:08:25 13:09:05)
    assertCapture("capture/Nikon.nef", "2004-06-09T16:02:35", "NIKON CORPORATION", "NIKON D70");
    // DateTimeOriginal 2005:08:03 18:59:18 in both
    assertCapture("capture/CanonRaw.cr2", "2005-08-03T18:59:18", "Canon", "Canon EOS 350D DIGITAL");
    assertCapture("capture/DNG.dng", "2005-08-03T18:59:18", "Canon", "Canon EOS 350D DIGITAL");
  }

  @Test
  void aModificationDateIsNotACaptureDate() throws Exception {
    // TIFFs whose only date is IFD0 DateTime (2009:09:26 01:11:52; 2017:08:21 15:08:70, invalid)
    assertCapture("capture/DudleyLeavittUtah.tiff", null, null, null);
    assertCapture("corpora/pillow/tiff_16bit_RGBa.tiff", null, null, null);
    // JPEGs with IFD0 DateTime only
    assertCapture("corpora/pillow/jpeg_ff00_header.jpg", null, null, null);
    // no EXIF at all
    assertCapture("corpora/libheif/rainbow-451x461.heic", null, null, null);
  }

  @Test
  void rawFileDateIsItsOwnNotItsPreviews() throws Exception {
    // A DNG built around a real camera JPEG (Canon_40D.jpg, whose own EXIF says 2008-05-30) as its
    // preview; the DNG's own EXIF IFD says 2020:02:29 23:59:58 +01:00, make "Test Camera"
    byte[] preview = file("capture/Canon_40D.jpg");
    RawFiles.Tiff t = new RawFiles.Tiff("II*\0");
    int blob = t.blob(preview);
    RawFiles.Ifd exif =
        new RawFiles.Ifd().ascii(0x9003, "2020:02:29 23:59:58").ascii(0x9011, "+01:00");
    RawFiles.Ifd previewIfd =
        new RawFiles.Ifd()
            .num(254, RawFiles.LONG, 1)
            .num(259, RawFiles.SHORT, 7)
            .num(262, RawFiles.SHORT, 6)
            .offset(273, blob)
            .num(279, RawFiles.LONG, preview.length);
    RawFiles.Ifd ifd0 =
        new RawFiles.Ifd()
            .num(254, RawFiles.LONG, 1)
            .ascii(271, "Test Camera")
            .ascii(272, "Model 1")
            .bytes(50706, RawFiles.BYTE, new byte[] {1, 4, 0, 0})
            .pointer(34665, exif);
    ifd0.subIfds(previewIfd);
    byte[] dng = t.write(ifd0);
    assertEquals(
        new Capture("2020-02-29T23:59:58+01:00", "Test Camera", "Model 1"), Capture.read(dng));
    // and the pipeline, which decodes the preview, records the DNG's facts
    PreparedImage p = new ImagePipeline().prepare(dng, "test.dng");
    assertEquals("2020-02-29T23:59:58+01:00", p.capture().takenAt());
  }

  @Test
  void invalidDatesAndOffsetsAreNotGuessed() {
    assertNull(Capture.iso("0000:00:00 00:00:00", null));
    assertNull(Capture.iso("    :  :     :  :  ", null));
    assertNull(Capture.iso("2017:08:21 15:08:70", null));
    assertEquals("2019-05-01T10:00:00", Capture.iso("2019:05:01 10:00:00", "nonsense"));
    assertEquals("2019-05-01T10:00:00+00:00", Capture.iso("2019:05:01 10:00:00", "+00:00"));
  }
}
