package dss.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Camera RAW files decode through their largest embedded JPEG preview, recognised by content. The
 * files are built by {@link RawFiles} around real JPEG fixtures (no real RAW sample is available to
 * the tests).
 */
class RawPreviewTest {
  private final ImagePipeline pipeline = new ImagePipeline();

  private static byte[] fixture(String relative) throws Exception {
    return Files.readAllBytes(Fixtures.path(relative));
  }

  private static byte[] large() throws Exception {
    return fixture("parity/wide-1600x900.jpg");
  }

  private static byte[] medium() throws Exception {
    return fixture("parity/tall-720x1280.jpg"); // fewer pixels than large(), a different picture
  }

  private static byte[] small() throws Exception {
    return fixture("parity/small-300x200.jpg");
  }

  private static byte[] tiny() throws Exception {
    return fixture("formats/baseline.jpg"); // 64x48
  }

  /**
   * The RAW's tensor must be the preview JPEG's own, and the reported size and format the expected
   * ones.
   */
  private void assertDecodesAs(
      byte[] raw, String format, byte[] expectedJpeg, int width, int height) throws Exception {
    PreparedImage fromRaw = pipeline.prepare(raw, "photo.raw");
    PreparedImage fromJpeg = pipeline.prepare(expectedJpeg, "preview.jpg");
    assertEquals(format, fromRaw.format());
    assertEquals(width + "x" + height, fromRaw.width() + "x" + fromRaw.height());
    assertArrayEquals(fromJpeg.tensor(), fromRaw.tensor(), "the tensor of the expected preview");
  }

  @Test
  void eachRawKindDecodesThroughItsLargestPreview() throws Exception {
    assertDecodesAs(RawFiles.dng(large(), 1), "dng", large(), 1600, 900);
    assertDecodesAs(RawFiles.cr2(large(), small(), 1), "cr2", large(), 1600, 900);
    assertDecodesAs(
        RawFiles.cr2(small(), medium(), 1), "cr2", medium(), 720, 1280); // IFD1's is larger here
    assertDecodesAs(RawFiles.raf(medium()), "raf", medium(), 720, 1280);
    assertDecodesAs(
        RawFiles.orf(large(), 1), "orf", large(), 1600, 900); // in the Olympus maker note
    assertDecodesAs(RawFiles.cr3(large(), medium(), small(), 1), "cr3", large(), 1600, 900);
    assertDecodesAs(
        RawFiles.cr3(small(), medium(), small(), 1), "cr3", medium(), 720, 1280); // PRVW largest
  }

  @Test
  void sniffedFromTheFirstBytes() throws Exception {
    // RAWs with their own signature are "raw" to the sniffer (a CR3, in an ISO-BMFF box, is not
    // HEIF); TIFF-based ones "tiff"
    assertEquals("raw", FormatSniffer.sniff(head(RawFiles.raf(small()))));
    assertEquals("raw", FormatSniffer.sniff(head(RawFiles.cr3(small(), tiny(), tiny(), 1))));
    assertEquals("tiff", FormatSniffer.sniff(head(RawFiles.dng(small(), 1))));
    assertEquals("tiff", FormatSniffer.sniff(head(RawFiles.nef(tiny(), small(), 1))));
    assertNull(FormatSniffer.sniff("FUJIFILM is a camera maker".getBytes(StandardCharsets.UTF_8)));
    assertTrue(
        FormatSniffer.namedLikeImage("DSC_0001.NEF") && FormatSniffer.namedLikeImage("IMG_1.cr3"));
  }

  private static byte[] head(byte[] file) {
    return Arrays.copyOf(file, Math.min(file.length, FormatSniffer.HEAD_BYTES));
  }

  @Test
  void theLargestOfSeveralPreviewsIsChosenWhereverItLies() throws Exception {
    assertDecodesAs(RawFiles.nef(small(), large(), 1), "nef", large(), 1600, 900);
    assertDecodesAs(RawFiles.nef(large(), medium(), 1), "nef", large(), 1600, 900);
    assertDecodesAs(RawFiles.nef(medium(), small(), 1), "nef", medium(), 720, 1280);
  }

  @Test
  void makesWithTheirOwnSignatureOrCfaDataAreRecognised() throws Exception {
    // ORF and RW2: TIFF structure under their own magic numbers
    RawFiles.Tiff orf = new RawFiles.Tiff("IIRO");
    int jpeg = orf.blob(large());
    byte[] orfFile =
        orf.write(
            new RawFiles.Ifd()
                .ascii(271, "OLYMPUS CORPORATION")
                .offset(513, jpeg)
                .num(514, RawFiles.LONG, large().length));
    assertEquals("raw", FormatSniffer.sniff(Arrays.copyOf(orfFile, FormatSniffer.HEAD_BYTES)));
    assertDecodesAs(orfFile, "orf", large(), 1600, 900);

    byte[] rw2File =
        new RawFiles.Tiff("IIU\0")
            .write(
                new RawFiles.Ifd().ascii(271, "Panasonic").bytes(46, RawFiles.UNDEFINED, medium()));
    assertEquals("raw", FormatSniffer.sniff(Arrays.copyOf(rw2File, FormatSniffer.HEAD_BYTES)));
    assertDecodesAs(rw2File, "rw2", medium(), 720, 1280);

    // plain TIFF magic: the make names the kind once CFA sensor data shows it is a RAW
    for (String[] make :
        new String[][] {{"SONY", "arw"}, {"PENTAX Corporation", "pef"}, {"Leaf", "raw"}}) {
      RawFiles.Tiff t = new RawFiles.Tiff("II*\0");
      int p = t.blob(large()), s = t.blob(new byte[32]);
      RawFiles.Ifd ifd0 =
          new RawFiles.Ifd()
              .ascii(271, make[0])
              .offset(513, p)
              .num(514, RawFiles.LONG, large().length);
      ifd0.subIfds(
          new RawFiles.Ifd()
              .num(262, RawFiles.SHORT, 32803)
              .offset(273, s)
              .num(279, RawFiles.LONG, 32));
      assertDecodesAs(t.write(ifd0), make[1], large(), 1600, 900);
    }
  }

  @Test
  void aPlainTiffStaysATiff() throws Exception {
    // a Nikon-made TIFF with a JPEG thumbnail in IFD1, but no CFA data, no DNGVersion, no RAW
    // header
    byte[] tiff = RawFiles.plainTiffWithJpegThumbnail(large());
    assertNull(RawPreview.kind(tiff));
    PreparedImage p = pipeline.prepare(tiff, "scan.tif");
    assertEquals("tiff", p.format());
    assertEquals("8x8", p.width() + "x" + p.height());
    assertEquals("tiff", pipeline.prepare(Fixtures.path("formats/rgb.tiff")).format());
  }

  @ParameterizedTest(name = "preview's own orientation {0}")
  @ValueSource(booleans = {false, true})
  void orientationComesFromThePreviewElseTheRaw(boolean previewKeepsExif) throws Exception {
    // orientation-6.jpg stores the picture turned; upright it equals expected.png (300x200)
    byte[] stored = fixture("exif/orientation-6.jpg");
    byte[] preview = previewKeepsExif ? stored : RawFiles.withoutExif(stored);
    assertEquals(previewKeepsExif ? 6 : 0, Orientation.tag(preview, "jpeg"));
    // without EXIF in the preview the RAW's tag 6 turns it; with it, the preview's 6 wins over the
    // RAW's 3
    int rawOrientation = previewKeepsExif ? 3 : 6;
    RgbImage expected = Fixtures.png(Fixtures.path("exif/expected.png"));
    for (byte[] raw :
        new byte[][] {
          RawFiles.dng(preview, rawOrientation),
          RawFiles.nef(tiny(), preview, rawOrientation),
          RawFiles.cr3(preview, tiny(), tiny(), rawOrientation),
          RawFiles.orf(preview, rawOrientation)
        }) {
      Path file = tmp.resolve("turned.raw");
      Files.write(file, raw);
      PreparedImage p = pipeline.prepare(file);
      assertEquals("300x200", p.width() + "x" + p.height(), p.format());
      double mean =
          Fixtures.meanAbsDiff(expected, Fixtures.rgb(pipeline.decodeOriented(file, 1000)));
      assertTrue(mean < 3.0, p.format() + ": mean difference from the upright picture " + mean);
    }
  }

  @TempDir Path tmp;

  @Test
  void rawsWithoutAUsablePreviewAreRefusedWithAReason() throws Exception {
    // a DNG whose only JPEG is its lossless sensor data
    RawFiles.Tiff t = new RawFiles.Tiff("II*\0");
    byte[] sensor = RawFiles.losslessSensorData();
    int s = t.blob(sensor);
    RawFiles.Ifd ifd0 =
        new RawFiles.Ifd()
            .bytes(50706, RawFiles.BYTE, new byte[] {1, 4, 0, 0})
            .num(259, RawFiles.SHORT, 7)
            .num(262, RawFiles.SHORT, 32803)
            .offset(273, s)
            .num(279, RawFiles.LONG, sensor.length);
    assertRefused(t.write(ifd0), RawPreview.NO_PREVIEW);

    byte[] dng = RawFiles.dng(large(), 1);
    assertRefused(Arrays.copyOf(dng, dng.length / 2), "lies outside the file");

    RawFiles.Tiff far = new RawFiles.Tiff("MM\0*");
    RawFiles.Ifd farIfd =
        new RawFiles.Ifd()
            .ascii(271, "NIKON CORPORATION")
            .num(513, RawFiles.LONG, 50_000_000)
            .num(514, RawFiles.LONG, 2_000_000);
    farIfd.subIfds(new RawFiles.Ifd().num(262, RawFiles.SHORT, 32803));
    assertRefused(far.write(farIfd), "(IFD at 8, 2000000 bytes at 50000000) lies outside the file");

    // a JPEG frame header holds 16-bit sizes: 65000x65000 is about the most a preview can claim
    assertRefused(
        RawFiles.dng(RawFiles.withFrameSize(large(), 65_000, 65_000), 1),
        "image too large: 65000x65000 = 4225000000 pixels");

    byte[] raf = RawFiles.raf(large());
    assertRefused(Arrays.copyOf(raf, raf.length - 1000), "lies outside the file");
    byte[] cr3 = RawFiles.cr3(large(), medium(), small(), 1);
    assertRefused(Arrays.copyOf(cr3, 400), RawPreview.NO_PREVIEW);
    byte[] cutPreview = RawFiles.dng(Arrays.copyOf(large(), large().length / 2), 1);
    assertRefused(cutPreview, "is unusable: truncated JPEG");
    assertRefused("FUJIFILMCCD-RAW ".getBytes(StandardCharsets.UTF_8), RawPreview.NO_PREVIEW);
  }

  private void assertRefused(byte[] raw, String reason) {
    ImageException e = assertThrows(ImageException.class, () -> pipeline.prepare(raw, "bad.raw"));
    assertTrue(e.getMessage().startsWith("bad.raw: "), e.getMessage());
    assertTrue(e.reason().contains(reason), e.getMessage());
  }

  @Test
  void randomDamageIsRefusedOrDecodedNeverThrownOut() throws Exception {
    byte[][] goods = {
      RawFiles.dng(small(), 6),
      RawFiles.nef(small(), small(), 1),
      RawFiles.cr3(small(), small(), small(), 1),
      RawFiles.raf(small()),
      RawFiles.cr2(small(), small(), 1),
      RawFiles.orf(small(), 1)
    };
    java.util.Random random = new java.util.Random(11);
    for (byte[] good : goods) {
      for (int trial = 0; trial < 60; trial++) {
        byte[] bad =
            trial % 3 == 0 ? Arrays.copyOf(good, random.nextInt(good.length)) : good.clone();
        for (int i = 0; trial % 3 != 0 && i < 1 + random.nextInt(8); i++) {
          bad[random.nextInt(Math.min(bad.length, 600))] =
              (byte) random.nextInt(256); // the directories
        }
        try {
          PreparedImage p = pipeline.prepare(bad, "damaged.raw");
          assertTrue(p.width() > 0 && p.height() > 0);
        } catch (ImageException expected) {
          assertTrue(expected.getMessage().startsWith("damaged.raw: "), expected.getMessage());
        }
      }
    }
  }
}
