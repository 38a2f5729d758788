package dss.index;

import dss.image.ImagePipeline;
import dss.model.Embedder;
import dss.model.ModelException;
import dss.model.Models;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import javax.imageio.ImageIO;

/** Real image files for indexer tests, and the indexer wired to the checked-in test model. */
final class TestLibrary {
  private TestLibrary() {}

  /** A distinct picture per seed: random coloured rectangles. {@code format} is an ImageIO name (png, jpg). */
  static Path image(Path file, long seed, int width, int height, String format) throws IOException {
    Random random = new Random(seed);
    BufferedImage im = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = im.createGraphics();
    for (int i = 0; i < 12; i++) {
      g.setColor(new Color(random.nextInt(0x1000000)));
      g.fillRect(random.nextInt(width), random.nextInt(height), 1 + random.nextInt(width), 1 + random.nextInt(height));
    }
    g.dispose();
    Files.createDirectories(file.getParent());
    if (!ImageIO.write(im, format, file.toFile())) throw new IOException("no ImageIO writer for " + format);
    return file;
  }

  static Embedder testModel() throws ModelException {
    return Embedder.open(Models.testModel(), "cpu", 1, 4);
  }

  static LibraryIndexer.Options options(Path root, int commitEvery) {
    return new LibraryIndexer.Options(List.of(root), List.of(), List.of(), false, false, 2, commitEvery,
        java.time.Duration.ofSeconds(30));
  }

  static LibraryIndexer.Summary run(Path indexDir, Embedder embedder, LibraryIndexer.Options options,
                                    Consumer<LibraryIndexer.Failure> failures) throws Exception {
    try (LibraryIndex index = LibraryIndex.open(indexDir, embedder.info(), IndexConfig.DEFAULT)) {
      return new LibraryIndexer(index, new ImagePipeline(), embedder, options).run(failures);
    }
  }
}
