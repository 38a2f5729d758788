package dss.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dss.index.ImageRecord;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A backend that the command line has never heard of works through every command: the test jar's
 * in-memory provider ({@code memory:NAME}, found by {@link java.util.ServiceLoader}) indexes,
 * searches, counts and checks; backup, which it does not offer, is refused by name; a location no
 * provider takes is a usage error listing the forms.
 */
class NewBackendTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  @Test
  void aBackendFoundByItsSchemeServesEveryCommand() throws Exception {
    Path lib = Files.createDirectories(tmp.resolve("lib"));
    for (int i = 0; i < 4; i++) {
      BufferedImage image = new BufferedImage(160, 120, BufferedImage.TYPE_INT_RGB);
      Graphics2D g = image.createGraphics();
      g.setColor(new Color(50 * i, 200 - 40 * i, 90));
      g.fillRect(0, 0, 160, 120);
      g.setColor(Color.WHITE);
      g.fillOval(20 * i, 30, 60, 60);
      g.dispose();
      ImageIO.write(image, "png", lib.resolve("p" + i + ".png").toFile());
    }
    String index = "memory:new-backend";
    CliRun indexed =
        CliRun.of("index", "--index", index, "--model", "test", "--device", "cpu", lib.toString());
    assertEquals(0, indexed.status(), indexed.err());
    assertEquals(4, JSON.readTree(indexed.out()).get("added").asInt());

    String id = ImageRecord.idFor(lib.resolve("p2.png").toAbsolutePath().normalize().toString());
    CliRun search = CliRun.of("search", "--index", index, "--id", id, "-k", "2");
    assertEquals(0, search.status(), search.err());
    JsonNode first = JSON.readTree(search.out()).get("results").get(0);
    assertEquals(id, first.get("id").asText());
    assertEquals(0, first.get("distance").asDouble(), 1e-6);

    CliRun byFile =
        CliRun.of("search", "--index", index, "-k", "1", lib.resolve("p2.png").toString());
    assertEquals(0, byFile.status(), byFile.err());
    assertEquals(id, JSON.readTree(byFile.out()).get("results").get(0).get("id").asText());

    CliRun check = CliRun.of("check", "--index", index);
    assertEquals(0, check.status(), check.err());
    assertEquals(4, JSON.readTree(check.out()).get("documents").asInt());

    CliRun backup = CliRun.of("backup", "--index", index, tmp.resolve("copy").toString());
    assertEquals(1, backup.status(), backup.err());
    assertTrue(backup.err().contains("the memory backend has no backup"), backup.err());

    CliRun unknown = CliRun.of("stats", "--index", "nosuch://host/x");
    assertEquals(2, unknown.status(), unknown.err());
    assertTrue(
        unknown.err().contains("no index backend takes the location 'nosuch://host/x'")
            && unknown.err().contains("solr://HOST:PORT/COLLECTION")
            && unknown.err().contains("memory:NAME"),
        unknown.err());
  }
}
