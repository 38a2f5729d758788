package dss.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dss.cli.CliRun;
import dss.model.TestModels;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dreamsim eval} end to end with the checked-in test model on real image files. Expected
 * figures follow from the data, not from the model: an image is at distance 0 from a byte copy of
 * itself and further from another image.
 */
class EvalCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path GOLDEN = TestModels.testModel().getParent().resolve("golden");

  @TempDir Path dir;

  static String[] withModel(String... args) {
    String[] all = new String[args.length + 6];
    System.arraycopy(args, 0, all, 0, args.length);
    System.arraycopy(
        new String[] {"--model", "test", "--device", "cpu", "--threads", "1"},
        0,
        all,
        args.length,
        6);
    return all;
  }

  @Test
  void twoAfcOnAHandMadeNightsLayout() throws Exception {
    Files.createDirectories(dir.resolve("img"));
    Files.copy(GOLDEN.resolve("city.jpg"), dir.resolve("img/ref.jpg"));
    Files.copy(GOLDEN.resolve("city.jpg"), dir.resolve("img/same.jpg"));
    Files.copy(GOLDEN.resolve("checker.bmp"), dir.resolve("img/other.bmp"));
    Files.writeString(dir.resolve("img/broken.jpg"), "not an image");
    Files.writeString(
        dir.resolve("data.csv"),
        """
        id,left_vote,right_vote,votes,ref_path,left_path,right_path,split,is_imagenet,prompt
        0,1.0,0.0,6,img/ref.jpg,img/same.jpg,img/other.bmp,test,False,people agree with distance: 1
        1,0.0,1.0,6,img/ref.jpg,img/same.jpg,img/other.bmp,test,False,people disagree: 0
        2,0.5,0.5,6,img/ref.jpg,img/same.jpg,img/same.jpg,test,False,"a tie, 0.5"
        3,1.0,0.0,4,img/ref.jpg,img/same.jpg,img/other.bmp,test,False,too few votes
        """);
    CliRun run = CliRun.of(withModel("eval", "2afc", "--dataset", dir.toString()));
    assertEquals(0, run.status(), run.err());
    JsonNode out = JSON.readTree(run.out());
    assertEquals("test", out.get("split").asText());
    assertEquals(3, out.get("n").asInt());
    assertEquals(0.5, out.get("accuracy").asDouble(), 1e-9); // (1 + 0 + 0.5) / 3

    Files.writeString(
        dir.resolve("data.csv"),
        Files.readString(dir.resolve("data.csv"))
            + "4,1.0,0.0,6,img/ref.jpg,img/broken.jpg,img/other.bmp,test,False,unreadable left image\n");
    CliRun broken = CliRun.of(withModel("eval", "2afc", "--dataset", dir.toString()));
    assertEquals(1, broken.status(), "a file failed: exit 1, the rest still scored");
    assertEquals(3, JSON.readTree(broken.out()).get("n").asInt());
    assertTrue(broken.err().contains("broken.jpg"), broken.err());

    CliRun split =
        CliRun.of(withModel("eval", "2afc", "--dataset", dir.toString(), "--split", "nope"));
    assertEquals(2, split.status());
    assertTrue(split.err().contains("unknown split 'nope'"), split.err());
  }

  @Test
  void dedupAndRetrievalOnALabelledSet() throws Exception {
    Files.copy(GOLDEN.resolve("city.jpg"), dir.resolve("city__a.jpg"));
    Files.copy(GOLDEN.resolve("city.jpg"), dir.resolve("city__b.jpg"));
    Files.copy(GOLDEN.resolve("checker.bmp"), dir.resolve("checker.bmp"));
    Files.copy(GOLDEN.resolve("portrait.png"), dir.resolve("portrait__a.png"));
    Files.copy(GOLDEN.resolve("portrait.png"), dir.resolve("portrait__b.png"));

    CliRun dedup =
        CliRun.of(
            withModel(
                "eval", "dedup", "--dataset", dir.toString(), "--to", "0.05", "--step", "0.05"));
    assertEquals(0, dedup.status(), dedup.err());
    JsonNode d = JSON.readTree(dedup.out());
    assertEquals(5, d.get("images").asInt());
    assertEquals(2, d.get("true_pairs").asInt());
    assertEquals(2, d.get("sweep").size());
    assertEquals(
        1.0, d.get("best").get("f1").asDouble(), 1e-9, "identical copies pair at distance 0");
    assertEquals(2, d.get("best").get("predicted_pairs").asInt(), d.toString());

    CliRun retrieval =
        CliRun.of(withModel("eval", "retrieval", "--dataset", dir.toString(), "--k", "1"));
    assertEquals(0, retrieval.status(), retrieval.err());
    JsonNode r = JSON.readTree(retrieval.out());
    assertEquals(4, r.get("queries").asInt(), "the distractor is not a query");
    assertEquals(1.0, r.get("mean_average_precision").asDouble(), 1e-9);
    assertEquals(1.0, r.get("recall_at_k").get("1").asDouble(), 1e-9);
  }

  @Test
  void makeCopiesWritesTheLabelledLayout() throws Exception {
    Path src = Files.createDirectories(dir.resolve("src"));
    BufferedImage img = new BufferedImage(320, 200, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setPaint(new GradientPaint(0, 0, Color.RED, 320, 200, Color.BLUE));
    g.fillRect(0, 0, 320, 200);
    g.dispose();
    ImageIO.write(img, "jpeg", src.resolve("sunset__x.jpg").toFile());
    Files.writeString(src.resolve("notes.txt"), "not an image");
    Files.write(
        src.resolve("broken.jpg"),
        new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0, 0, 16});
    Path out = dir.resolve("out");

    CliRun run = CliRun.of("eval", "make-copies", src.toString(), out.toString());
    assertEquals(1, run.status(), "the broken file failed: " + run.err());
    JsonNode result = JSON.readTree(run.out());
    assertEquals(1, result.get("originals").asInt());
    assertEquals(11, result.get("files").asInt());
    assertEquals(1, result.get("failed").size());
    assertTrue(result.get("failed").get(0).get("path").asText().endsWith("broken.jpg"));
    assertTrue(run.err().contains("notes.txt: skipped (not an image)"), run.err());

    // the original's "__" is replaced so the label stays the whole name
    assertTrue(Files.exists(out.resolve("sunset_x__original.jpg")));
    BufferedImage resized = ImageIO.read(out.resolve("sunset_x__resized.jpg").toFile());
    assertEquals(160, resized.getWidth());
    assertEquals(100, resized.getHeight());
    BufferedImage rotated = ImageIO.read(out.resolve("sunset_x__rotated.jpg").toFile());
    assertEquals(200, rotated.getWidth());
    assertEquals(320, rotated.getHeight());
    BufferedImage flipped = ImageIO.read(out.resolve("sunset_x__flipped.jpg").toFile());
    assertTrue(
        blue(flipped.getRGB(5, 100)) > red(flipped.getRGB(5, 100)),
        "left edge was the blue right edge");
    assertTrue(red(flipped.getRGB(314, 100)) > blue(flipped.getRGB(314, 100)));
    BufferedImage cropped = ImageIO.read(out.resolve("sunset_x__cropped.jpg").toFile());
    assertEquals(224, cropped.getWidth());
    assertEquals(140, cropped.getHeight());
    assertTrue(Files.exists(out.resolve("sunset_x__png.png")));
    byte[] webp = Files.readAllBytes(out.resolve("sunset_x__webp.webp"));
    assertEquals("webp", dss.image.FormatSniffer.sniff(webp), "a real WebP file");
    assertEquals(
        1024, new dss.image.ImagePipeline().prepare(webp, "webp copy").width(), "longer side 1024");
    for (String name :
        new String[] {"recompressed.jpg", "brightened.jpg", "blurred.jpg", "text.jpg"}) {
      BufferedImage copy = ImageIO.read(out.resolve("sunset_x__" + name).toFile());
      assertEquals(320, copy.getWidth(), name);
    }
    BufferedImage bright = ImageIO.read(out.resolve("sunset_x__brightened.jpg").toFile());
    assertTrue(luma(bright.getRGB(160, 100)) > luma(img.getRGB(160, 100)) + 10);
  }

  static int red(int rgb) {
    return (rgb >> 16) & 255;
  }

  static int blue(int rgb) {
    return rgb & 255;
  }

  static int luma(int rgb) {
    return (red(rgb) + ((rgb >> 8) & 255) + blue(rgb)) / 3;
  }
}
