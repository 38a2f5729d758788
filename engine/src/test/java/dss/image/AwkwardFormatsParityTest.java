package dss.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The awkward variants (CMYK/YCCK, progressive and arithmetic-coded JPEG, grey+alpha, palette+tRNS
 * and 16-bit PNG, multi-page TIFF, animated GIF/WebP, a 20000x10 panorama, 1x1 images) against
 * Pillow's DreamSim preprocessing of the same files: mean absolute difference of the 224x224
 * tensors at most 1/255. The files and Pillow's tensors are made at test time by
 * src/test/fixtures-src/awkward_formats.py (Pillow, ImageMagick, jpegtran); the test skips with a
 * message when those tools are absent (.ci/run installs them). JPEG variants go through both JPEG
 * decoders (the system's TurboJPEG and the OpenCV fallback), on the fast (DCT-scaled) and the
 * full-size path.
 */
class AwkwardFormatsParityTest {
  private static final double LIMIT = 1.0 / 255;
  private static final int TENSOR = 3 * 224 * 224;

  @TempDir Path tmp;

  @Test
  void everyVariantMatchesPillow() throws Exception {
    Path python = Path.of("/usr/bin/python3"),
        script = Path.of("src/test/fixtures-src/awkward_formats.py");
    Assumptions.assumeTrue(
        Files.isExecutable(Path.of("/usr/bin/convert"))
            && Files.isExecutable(Path.of("/usr/bin/jpegtran")),
        "ImageMagick (/usr/bin/convert) or jpegtran (libjpeg-turbo-progs) missing: skipped");
    Assumptions.assumeTrue(
        Files.isExecutable(python) && run(python.toString(), "-c", "import PIL, numpy"),
        "/usr/bin/python3 with Pillow and numpy missing: skipped");
    Path out = tmp.resolve("awkward");
    assertTrue(
        run(
            python.toString(),
            script.toString(),
            out.toString(),
            Fixtures.path("parity/wide-1600x900.jpg").toString(),
            Fixtures.path("parity/tall-720x1280.jpg").toString()),
        "awkward_formats.py failed");

    List<String> names =
        Files.readAllLines(out.resolve("reference.txt")).stream()
            .filter(s -> !s.isBlank())
            .toList();
    ByteBuffer all =
        ByteBuffer.wrap(Files.readAllBytes(out.resolve("reference.f32")))
            .order(ByteOrder.LITTLE_ENDIAN);
    List<String> table = new ArrayList<>(), failures = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      float[] reference = new float[TENSOR];
      all.position(i * TENSOR * 4);
      all.asFloatBuffer().get(reference);
      Path file = out.resolve(names.get(i));
      StringBuilder row = new StringBuilder("| " + names.get(i) + " |");
      for (var variant : pipelines(names.get(i).endsWith(".jpg"))) {
        PreparedImage p = variant.pipeline.prepare(file);
        if (names.get(i).endsWith(".tiff")) {
          assertEquals(
              "tiff 640x360",
              p.format() + " " + p.width() + "x" + p.height(),
              "the first page, as a TIFF");
        }
        double mae = Fixtures.meanAbsDiff(reference, p.tensor());
        row.append(String.format(Locale.ROOT, " %s %.3f/255 |", variant.label, mae * 255));
        if (mae > LIMIT) {
          failures.add(names.get(i) + " (" + variant.label + "): " + mae * 255 + "/255");
        }
      }
      table.add(row.toString());
    }
    System.out.println(
        "Formats and parity (mean |Java - Pillow| of the 224x224 tensors):\n"
            + String.join("\n", table));
    assertTrue(names.size() >= 14, "variants made: " + names);
    assertTrue(failures.isEmpty(), "above 1/255: " + failures + "\n" + String.join("\n", table));
  }

  private record Variant(String label, ImagePipeline pipeline) {}

  private static List<Variant> pipelines(boolean jpeg) {
    List<Variant> v = new ArrayList<>();
    v.add(new Variant("default", new ImagePipeline()));
    if (jpeg) {
      v.add(new Variant("full-size", new ImagePipeline(ImagePipeline.DEFAULT_MAX_PIXELS, false)));
      if (OpenCvDecoder.available()) {
        v.add(
            new Variant(
                "opencv",
                new ImagePipeline(ImagePipeline.DEFAULT_MAX_PIXELS, true, OpenCvDecoder.JPEG)));
      }
    }
    return v;
  }

  @Test
  void twelveBitJpegIsRefusedWithAReason() throws Exception {
    // libjpeg-turbo as built for Pillow and here decodes 8-bit samples only; the frame header says
    // 12
    byte[] jpeg = Files.readAllBytes(Fixtures.path("formats/baseline.jpg"));
    int sof = 2;
    while ((jpeg[sof + 1] & 0xff) != 0xC0) {
      sof += 2 + ((jpeg[sof + 2] & 0xff) << 8 | (jpeg[sof + 3] & 0xff));
    }
    jpeg[sof + 1] = (byte) 0xC1; // extended sequential, the frame type 12-bit JPEGs use
    jpeg[sof + 4] = 12;
    ImageException e =
        assertThrows(ImageException.class, () -> new ImagePipeline().prepare(jpeg, "medical.jpg"));
    assertEquals("medical.jpg: unsupported JPEG (12-bit samples)", e.getMessage());
  }

  private static boolean run(String... command) throws Exception {
    Process p =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    return p.waitFor(5, TimeUnit.MINUTES) && p.exitValue() == 0;
  }
}
