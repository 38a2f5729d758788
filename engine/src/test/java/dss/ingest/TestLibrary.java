package dss.ingest;

import dss.image.ImagePipeline;
import dss.index.ImageIndex;
import dss.index.IndexConfig;
import dss.index.lucene.LuceneIndex;
import dss.model.Embedder;
import dss.model.ModelException;
import dss.model.TestModels;
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
public final class TestLibrary {
  private TestLibrary() {}

  /**
   * A distinct picture per seed: random coloured rectangles. {@code format} is an ImageIO name
   * (png, jpg).
   */
  public static Path image(Path file, long seed, int width, int height, String format)
      throws IOException {
    Random random = new Random(seed);
    BufferedImage im = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = im.createGraphics();
    for (int i = 0; i < 12; i++) {
      g.setColor(new Color(random.nextInt(0x1000000)));
      g.fillRect(
          random.nextInt(width),
          random.nextInt(height),
          1 + random.nextInt(width),
          1 + random.nextInt(height));
    }
    g.dispose();
    Files.createDirectories(file.getParent());
    if (!ImageIO.write(im, format, file.toFile()))
      throw new IOException("no ImageIO writer for " + format);
    return file;
  }

  public static Embedder testModel() throws ModelException {
    return Embedder.open(TestModels.testModel(), "cpu", 1, 4);
  }

  static LibraryIndexer.Options options(Path root, int commitEvery) {
    return options(List.of(root), List.of(), List.of(), false, false, commitEvery);
  }

  static LibraryIndexer.Options options(
      List<Path> roots,
      List<String> include,
      List<String> exclude,
      boolean hidden,
      boolean keepMissing,
      int commitEvery) {
    return new LibraryIndexer.Options(
        roots,
        include,
        exclude,
        hidden,
        keepMissing,
        commitEvery,
        java.time.Duration.ofSeconds(30),
        LibraryIndexer.Options.DEFAULT_MAX_FILE_BYTES);
  }

  static LibraryIndexer.Summary run(
      Path indexDir, Embedder embedder, LibraryIndexer.Options options, Consumer<Failure> failures)
      throws Exception {
    return run(indexDir, embedder, new ImagePipeline(), 2, options, failures);
  }

  static LibraryIndexer.Summary run(
      Path indexDir,
      Embedder embedder,
      ImagePipeline images,
      int decodeThreads,
      LibraryIndexer.Options options,
      Consumer<Failure> failures)
      throws Exception {
    try (ImageIndex index =
            LuceneIndex.openWritable(indexDir, embedder.info(), IndexConfig.DEFAULT);
        IngestPipeline ingest = new IngestPipeline(images, embedder, decodeThreads)) {
      return new LibraryIndexer(index, ingest, options).run(failures);
    }
  }
}
