package dss.bench;

import dss.cli.JsonOut;
import dss.cli.ModelOptions;
import dss.cli.UsageError;
import dss.image.FormatSniffer;
import dss.image.ImagePipeline;
import dss.index.ImageIndex;
import dss.index.IndexConfig;
import dss.index.lucene.LuceneIndex;
import dss.ingest.FileWalker;
import dss.ingest.IngestPipeline;
import dss.ingest.LibraryIndexer;
import dss.model.Embedder;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;
import org.apache.lucene.util.IOUtils;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * End-to-end indexing throughput (walk, read, hash, decode+preprocess, model, index) into a fresh
 * index, with the busy time of each stage, then an unchanged re-run. bench/indexing.sh runs it on
 * the shared photos and a generated library, and the decode and model peers in the same run.
 */
@Command(
    name = "indexing",
    header = "Measure end-to-end indexing speed and where the time goes.",
    sortOptions = false,
    description = {
      "Index DIR into a fresh temporary index and print images/s and where the time goes (decode,",
      "model, index busy seconds), then the time of an unchanged re-run. --generate N first fills DIR with N",
      "synthetic photo-like JPEGs (--gen-size, default 1024x768) when it holds fewer. --decode-only times the",
      "decode stage alone instead (read, hash, decode + preprocess; no model, no index) and prints a JSON line."
    })
public final class IndexingBench implements Callable<Integer> {
  @Parameters(paramLabel = "DIR")
  Path library;

  @Mixin ModelOptions modelOptions;

  @Option(names = "--decode-threads", description = "Decode workers (default: cores).")
  int decodeThreads = Math.max(1, Runtime.getRuntime().availableProcessors());

  @Option(names = "--quantization", defaultValue = "none")
  String quantization;

  @Option(
      names = "--generate",
      paramLabel = "N",
      description = "Make N synthetic images in DIR first.")
  Integer generate;

  @Option(
      names = "--gen-size",
      paramLabel = "WxH",
      defaultValue = "1024x768",
      description = "Size of the generated images (default: ${DEFAULT-VALUE}).")
  String genSize;

  @Option(
      names = "--decode-only",
      description =
          "Time only what the pipeline's decode workers do to each file (read, hash, decode + "
              + "preprocess) over DIR, on --decode-threads threads, with no model and no index; "
              + "one JSON line on stdout: the bound an indexing run of DIR is compared with.")
  boolean decodeOnly;

  @Option(
      names = "--model-seconds",
      paramLabel = "S",
      defaultValue = "10",
      description =
          "After the first run, time the same model session alone on random tensors for S seconds, the "
              + "bound the pipeline is compared with (0: skip). Default: ${DEFAULT-VALUE}.")
  double modelSeconds;

  @Override
  public Integer call() throws Exception {
    if (generate != null) generate(library, generate, size(genSize));
    if (decodeOnly) {
      System.out.println(JsonOut.line(DecodeOnly.run(library, decodeThreads)));
      return 0;
    }
    Path dir = Files.createTempDirectory("indexing-bench");
    try (Embedder embedder = modelOptions.open()) {
      IndexConfig config =
          new IndexConfig(
              IndexConfig.Quantization.valueOf(quantization.toUpperCase(Locale.ROOT)), 16, 100);
      var options =
          new LibraryIndexer.Options(
              List.of(library),
              List.of(),
              List.of(),
              false,
              false,
              1000,
              java.time.Duration.ofSeconds(30),
              LibraryIndexer.Options.DEFAULT_MAX_FILE_BYTES);
      LibraryIndexer.Summary first = run(dir, embedder, config, options, decodeThreads);
      long images = first.added();
      System.out.printf(
          Locale.ROOT,
          "indexing %s: %d images in %.1f s = %.2f img/s (model %s on %s, batch %d, "
              + "%d decode threads, %s); %d failed%n",
          library,
          images,
          first.seconds(),
          images / first.seconds(),
          embedder.info().name(),
          embedder.device(),
          embedder.batchSize(),
          decodeThreads,
          quantization,
          first.failed());
      System.out.printf(
          Locale.ROOT,
          "  busy seconds: decode %.1f (%.1f ms/img over %d threads), model %.1f "
              + "(%.1f ms/img), index %.1f (%.2f ms/img); wall %.1f%n",
          first.decodeSeconds(),
          1000 * first.decodeSeconds() / images,
          decodeThreads,
          first.modelSeconds(),
          1000 * first.modelSeconds() / images,
          first.indexSeconds(),
          1000 * first.indexSeconds() / images,
          first.seconds());
      if (modelSeconds > 0 && images > 0) {
        double alone = modelAlone(embedder, modelSeconds);
        System.out.printf(
            Locale.ROOT,
            "  model alone: %.2f img/s (the same session, batches of %d random "
                + "tensors, %.0f s); end to end = %.0f%% of it%n",
            alone,
            embedder.batchSize(),
            modelSeconds,
            100 * images / first.seconds() / alone);
      }
      LibraryIndexer.Summary again = run(dir, embedder, config, options, decodeThreads);
      System.out.printf(
          Locale.ROOT,
          "  unchanged re-run: %d unchanged in %.2f s (%.1f%% of the first run)%n",
          again.unchanged(),
          again.seconds(),
          100 * again.seconds() / first.seconds());
    } finally {
      IOUtils.rm(dir);
    }
    return 0;
  }

  /**
   * Images per second of the model session alone, on full batches of random tensors (one warm-up
   * batch).
   */
  static double modelAlone(Embedder embedder, double seconds) throws Exception {
    List<float[]> batch = ModelBench.randomTensors(embedder.batchSize());
    embedder.embed(batch);
    long start = System.nanoTime();
    long end = start + (long) (seconds * 1e9);
    int batches = 0;
    do {
      embedder.embed(batch);
      batches++;
    } while (System.nanoTime() < end);
    return batches * batch.size() / ((System.nanoTime() - start) / 1e9);
  }

  private static LibraryIndexer.Summary run(
      Path dir,
      Embedder embedder,
      IndexConfig config,
      LibraryIndexer.Options options,
      int decodeThreads)
      throws Exception {
    try (ImageIndex index = LuceneIndex.openWritable(dir, embedder.info(), config);
        IngestPipeline ingest = new IngestPipeline(new ImagePipeline(), embedder, decodeThreads)) {
      return new LibraryIndexer(index, ingest, options)
          .run(f -> System.err.println("indexing: " + f.path() + ": " + f.error()));
    }
  }

  /**
   * Photo-like JPEGs (smooth gradients, shapes, sensor-like noise; ImageIO's default quality) so
   * decoding costs what a photo of that size costs. Deterministic per index; existing files are
   * kept.
   */
  static void generate(Path dir, int n) throws IOException {
    generate(dir, n, new int[] {1024, 768});
  }

  /**
   * The image files under {@code library} as the indexer's own walk finds them (same files, same
   * order); a folder it cannot read is reported on stderr after {@code who}.
   */
  static List<Path> imageFiles(Path library, String who) throws IOException {
    List<Path> files = new ArrayList<>();
    new FileWalker(List.of(), List.of(), false)
        .walk(
            List.of(library),
            (path, attrs) -> {
              if (FormatSniffer.namedLikeImage(path.getFileName().toString())) files.add(path);
            },
            (path, reason) -> System.err.println(who + ": " + path + ": " + reason));
    return files;
  }

  /** Width and height from "WxH". */
  static int[] size(String wxh) {
    String[] parts = wxh.toLowerCase(Locale.ROOT).split("x");
    try {
      if (parts.length == 2) {
        int[] size = {Integer.parseInt(parts[0]), Integer.parseInt(parts[1])};
        if (size[0] >= 16 && size[1] >= 16) return size;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new UsageError("--gen-size must be WxH with both at least 16, not '" + wxh + "'");
  }

  /** As {@link #generate(Path, int)}, at {@code size} = {width, height}. */
  static void generate(Path dir, int n, int[] size) throws IOException {
    Files.createDirectories(dir);
    long start = System.nanoTime();
    IntStream.range(0, n)
        .parallel()
        .forEach(
            i -> {
              Path file = dir.resolve(String.format(Locale.ROOT, "%03d/gen-%06d.jpg", i / 1000, i));
              if (Files.exists(file)) return;
              try {
                Files.createDirectories(file.getParent());
                // written under a temporary name first: an interrupted generation leaves no
                // truncated image that a later run would keep
                Path part = file.resolveSibling(file.getFileName() + ".part");
                ImageIO.write(picture(i, size[0], size[1]), "jpg", part.toFile());
                Files.move(part, file);
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            });
    System.err.printf(
        Locale.ROOT,
        "indexing: %d images ready in %s (%.0f s)%n",
        n,
        dir,
        (System.nanoTime() - start) / 1e9);
  }

  private static BufferedImage picture(int seed, int w, int h) {
    Random r = new Random(seed);
    BufferedImage im = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = im.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setPaint(
        new GradientPaint(
            0, 0, new Color(r.nextInt(0x1000000)), w, h, new Color(r.nextInt(0x1000000))));
    g.fillRect(0, 0, w, h);
    for (int i = 0; i < 20; i++) {
      g.setColor(new Color(r.nextInt(256), r.nextInt(256), r.nextInt(256), 60 + r.nextInt(196)));
      int x = r.nextInt(w);
      int y = r.nextInt(h);
      int s = Math.max(4, (20 + r.nextInt(300)) * w / 1024); // scaled with the picture's width
      if (r.nextBoolean()) g.fillOval(x, y, s, s * (1 + r.nextInt(2)));
      else g.fillRect(x, y, s, s / 2 + 10);
    }
    g.dispose();
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int rgb = im.getRGB(x, y);
        int n = (int) (r.nextGaussian() * 6);
        int red = clamp(((rgb >> 16) & 255) + n);
        int green = clamp(((rgb >> 8) & 255) + n);
        int blue = clamp((rgb & 255) + n);
        im.setRGB(x, y, (red << 16) | (green << 8) | blue);
      }
    }
    return im;
  }

  private static int clamp(int v) {
    return Math.max(0, Math.min(255, v));
  }
}
