package dss.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The preprocess tensor against Pillow's (DreamSim's preprocess: convert('RGB'), resize((224, 224),
 * BICUBIC), /255). Committed fixtures always; the sample photos when DREAMSIM_SAMPLE_DATA names
 * their folder (its photos/) and DREAMSIM_PEERS the folder of the peer scripts (their reference
 * tensors are made by pillow_preprocess.py there, so that part also needs /usr/bin/python3 with
 * Pillow, else it skips).
 */
class PreprocessParityTest {
  private static final double LIMIT =
      1.0 / 255; // the parity limit (mean absolute difference)
  private static final int TENSOR = 3 * 224 * 224;

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "wide-1600x900.jpg, 2",
    "tall-720x1280.jpg, 2",
    "small-300x200.jpg, 1",
    "quarter-1440x1300.jpg, 4"
  })
  void fixturesMatchPillow(String name, int expectedReduction) throws Exception {
    Path file = Fixtures.path("parity/" + name);
    float[] reference =
        Fixtures.tensor(Fixtures.png(Fixtures.path("parity/" + name + ".reference.png")));
    PreparedImage exact = new ImagePipeline(ImagePipeline.DEFAULT_MAX_PIXELS, false).prepare(file);
    PreparedImage fast = new ImagePipeline().prepare(file);
    double exactDiff = Fixtures.meanAbsDiff(reference, exact.tensor());
    double fastDiff = Fixtures.meanAbsDiff(reference, fast.tensor());
    assertTrue(exactDiff < 0.05 / 255, "full-size path vs Pillow: " + exactDiff * 255 + "/255");
    assertTrue(fastDiff <= LIMIT, "fast path vs Pillow: " + fastDiff * 255 + "/255");
    // the choice of DCT reduction this fixture was made to exercise
    assertEquals(
        expectedReduction,
        ImagePipeline.reduction(exact.width(), exact.height(), ImagePipeline.JPEG_MIN_SIDE, false));
  }

  @Test
  void sharedPhotosMatchPillow(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
    String data = System.getenv("DREAMSIM_SAMPLE_DATA"), peers = System.getenv("DREAMSIM_PEERS");
    Assumptions.assumeTrue(
        data != null && peers != null,
        "DREAMSIM_SAMPLE_DATA and DREAMSIM_PEERS not set: sample-photo parity skipped");
    Path photos = Path.of(data, "photos"), anchor = Path.of(peers, "pillow_preprocess.py");
    Assumptions.assumeTrue(
        Files.isDirectory(photos) && Files.isRegularFile(anchor),
        photos + " or " + anchor + " missing: sample-photo parity skipped");
    Path out = tmp.resolve("ref.f32");
    Assumptions.assumeTrue(
        pillowTensors(anchor, photos, out), "/usr/bin/python3 with Pillow unavailable: skipped");

    List<String> names =
        Files.readAllLines(Path.of(out + ".txt")).stream().filter(s -> !s.isBlank()).toList();
    ByteBuffer all = ByteBuffer.wrap(Files.readAllBytes(out)).order(ByteOrder.LITTLE_ENDIAN);
    ImagePipeline pipeline = new ImagePipeline();
    double worst = 0;
    String worstName = "";
    for (int i = 0; i < names.size(); i++) {
      float[] reference = new float[TENSOR];
      all.position(i * TENSOR * 4);
      all.asFloatBuffer().get(reference);
      double diff =
          Fixtures.meanAbsDiff(reference, pipeline.prepare(photos.resolve(names.get(i))).tensor());
      if (diff > worst) {
        worst = diff;
        worstName = names.get(i);
      }
    }
    assertTrue(names.size() >= 10, "reference tensors for " + names.size() + " photos");
    assertTrue(worst <= LIMIT, "worst photo " + worstName + ": " + worst * 255 + "/255");
  }

  private static boolean pillowTensors(Path anchor, Path photos, Path out)
      throws IOException, InterruptedException {
    Path python = Path.of("/usr/bin/python3");
    if (!Files.isExecutable(python)) {
      return false;
    }
    Process p =
        new ProcessBuilder(
                python.toString(), anchor.toString(), "tensors", photos.toString(), out.toString())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    return p.waitFor(5, TimeUnit.MINUTES) && p.exitValue() == 0 && Files.isRegularFile(out);
  }
}
