package dss.bench;

import dss.cli.JsonOut;
import dss.cli.UsageError;
import dss.image.ImageException;
import dss.image.ImagePipeline;
import dss.image.NativeCodecs;
import dss.image.PreparedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Decode + DreamSim preprocess speed of {@link ImagePipeline} over a directory, and optionally its
 * parity with Pillow's reference tensors ({@code $DREAMSIM_PEERS/pillow_preprocess.py tensors DIR
 * OUT.f32}). One warm-up pass (JIT), then one timed pass. bench/preprocess.sh runs Pillow's paths
 * in the same run and prints the ratio; with {@code --heif} it runs on HEIC and AVIF copies, with
 * heif-convert + Pillow as the HEIC peer.
 */
@Command(
    name = "preprocess",
    header = "Measure decode and preprocess speed and parity with Pillow.",
    description = "Images/s of decode + preprocess (and parity with Pillow's tensors).")
public final class PreprocessBench implements Callable<Integer> {
  private static final int TENSOR = 3 * ImagePipeline.SIZE * ImagePipeline.SIZE;

  @Parameters(
      paramLabel = "DIR",
      description =
          "Directory of images (same selection as pillow_preprocess.py, plus .heic, .heif and .avif).")
  Path dir;

  @Option(
      names = "--threads",
      defaultValue = "1",
      description = "Decode threads (default ${DEFAULT-VALUE}: one core).")
  int threads;

  @Option(
      names = "--reference",
      paramLabel = "OUT.f32",
      description =
          "Pillow reference tensors (names in OUT.f32.txt): report the mean absolute difference.")
  Path reference;

  @Option(
      names = "--full-size",
      description = "Decode JPEGs at full size (no DCT scaling): the reference path.")
  boolean fullSize;

  @Option(
      names = "--as-dng",
      description =
          "Time the camera-RAW path: wrap each JPEG as the preview of a minimal "
              + "DNG file (in a temporary folder, before timing) and decode those; parity against the JPEG's reference.")
  boolean asDng;

  /** Exit status 1 when some files failed (each named on stderr), as every command. */
  @Override
  public Integer call() {
    List<Path> files = imageFiles(dir);
    if (files.isEmpty()) {
      throw new UsageError("no images in " + dir);
    }
    if (threads < 1) {
      throw new UsageError("--threads must be at least 1");
    }
    if (asDng) {
      files =
          files.stream()
              .filter(
                  f -> f.getFileName().toString().toLowerCase(Locale.ROOT).matches(".*\\.jpe?g"))
              .toList();
    }
    List<Path> sources = files;
    Path dngDir = asDng ? wrapAsDng(files) : null;
    if (dngDir != null) {
      files = files.stream().map(f -> dngDir.resolve(f.getFileName() + ".dng")).toList();
    }
    ImagePipeline pipeline = new ImagePipeline(ImagePipeline.DEFAULT_MAX_PIXELS, !fullSize);
    prepareAll(
        pipeline, files, true); // warm-up: JIT compilation, native library loading, file cache
    long start = System.nanoTime(), cpuStart = ProcessCpu.nanos();
    List<PreparedImage> prepared = prepareAll(pipeline, files, false);
    double seconds = (System.nanoTime() - start) / 1e9,
        cpuSeconds = (ProcessCpu.nanos() - cpuStart) / 1e9;

    Map<String, Object> result = new LinkedHashMap<>();
    result.put("path", (fullSize ? "full-size" : "dct-scaled") + (asDng ? ", dng preview" : ""));
    result.put("images", files.size());
    long failed = prepared.stream().filter(p -> p == null).count();
    result.put("failed", failed);
    result.put("threads", threads);
    result.put("jpeg_decoder", pipeline.jpegDecoder());
    result.put(
        "libheif",
        NativeCodecs.inUse().stream()
            .filter(l -> l.name().equals("libheif"))
            .findFirst()
            .map(l -> l.loaded() ? l.version() : "missing")
            .orElse("missing"));
    result.put("images_per_second", Math.round(files.size() / seconds * 10) / 10.0);
    // per CPU second of the whole process (JIT and GC included): steadier than wall time on a
    // shared machine
    result.put("images_per_cpu_second", Math.round(files.size() / cpuSeconds * 10) / 10.0);
    if (reference != null) {
      result.putAll(
          parity(sources, prepared)); // a DNG wrapper is compared with its JPEG's reference
    }
    if (dngDir != null) {
      deleteAll(dngDir, files);
    }
    System.err.printf(
        Locale.ROOT,
        "dreamsim-%s: %.1f img/s on %d thread(s) (%d files)%n",
        result.get("path"),
        files.size() / seconds,
        threads,
        files.size());
    System.out.println(JsonOut.line(result));
    return failed > 0 ? 1 : 0;
  }

  /**
   * The JPEGs among {@code files} wrapped as DNG previews, as {@code NAME.dng} in a new temporary
   * folder.
   */
  private static Path wrapAsDng(List<Path> files) {
    try {
      Path dir = Files.createTempDirectory("dreamsim-bench-dng");
      for (Path f : files) {
        Files.write(dir.resolve(f.getFileName() + ".dng"), DngWrapper.wrap(Files.readAllBytes(f)));
      }
      return dir;
    } catch (IOException e) {
      throw new UsageError("cannot write DNG wrappers: " + e.getMessage());
    }
  }

  private static void deleteAll(Path dir, List<Path> files) {
    try {
      for (Path f : files) {
        Files.deleteIfExists(f);
      }
      Files.deleteIfExists(dir);
    } catch (IOException e) {
      System.err.println("cannot delete " + dir + ": " + e.getMessage());
    }
  }

  /** The same selection and order as pillow_preprocess.py: known extensions, sorted by name. */
  private static List<Path> imageFiles(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new UsageError("no such directory: " + dir);
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(
              p ->
                  p.getFileName()
                      .toString()
                      .toLowerCase(Locale.ROOT)
                      .matches(".*\\.(jpg|jpeg|png|webp|bmp|gif|tif|tiff|heic|heif|avif)"))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UsageError("cannot list " + dir + ": " + e.getMessage());
    }
  }

  /**
   * Prepared images in input order; null for each file that failed (named on stderr when {@code
   * report}).
   */
  private List<PreparedImage> prepareAll(ImagePipeline pipeline, List<Path> files, boolean report) {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<PreparedImage>> futures = new ArrayList<>();
      for (Path f : files) {
        futures.add(
            pool.submit(
                () -> {
                  try {
                    return pipeline.prepare(f);
                  } catch (ImageException e) {
                    if (report) {
                      System.err.println(e.getMessage());
                    }
                    return null;
                  }
                }));
      }
      List<PreparedImage> out = new ArrayList<>();
      for (Future<PreparedImage> f : futures) {
        out.add(f.get());
      }
      return out;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    } finally {
      pool.shutdown();
    }
  }

  /**
   * Mean absolute difference from Pillow's tensors, in 1/255 units: mean over images and the worst
   * image.
   */
  private Map<String, Object> parity(List<Path> files, List<PreparedImage> prepared) {
    try {
      List<String> names =
          Files.readAllLines(Path.of(reference + ".txt")).stream()
              .filter(s -> !s.isBlank())
              .toList();
      ByteBuffer all =
          ByteBuffer.wrap(Files.readAllBytes(reference)).order(ByteOrder.LITTLE_ENDIAN);
      if (all.capacity() != (long) names.size() * TENSOR * 4) {
        throw new UsageError(
            reference
                + " holds "
                + all.capacity()
                + " bytes, not "
                + names.size()
                + " tensors of 3x224x224 float32 as listed in "
                + reference
                + ".txt");
      }
      double sum = 0, worst = 0;
      String worstName = null;
      int compared = 0;
      for (int i = 0; i < files.size(); i++) {
        int index = names.indexOf(files.get(i).getFileName().toString());
        if (index < 0 || prepared.get(i) == null) {
          continue;
        }
        float[] t = prepared.get(i).tensor();
        double diff = 0;
        for (int j = 0; j < TENSOR; j++) {
          diff += Math.abs(t[j] - all.getFloat((index * TENSOR + j) * 4));
        }
        diff = diff / TENSOR * 255;
        sum += diff;
        compared++;
        if (diff > worst) {
          worst = diff;
          worstName = names.get(index);
        }
      }
      Map<String, Object> p = new LinkedHashMap<>();
      p.put("compared_with_reference", compared);
      p.put("mean_abs_diff_over_255", Math.round(sum / Math.max(compared, 1) * 1000) / 1000.0);
      p.put("worst_image_mean_abs_diff_over_255", Math.round(worst * 1000) / 1000.0);
      p.put("worst_image", worstName);
      return p;
    } catch (IOException e) {
      throw new UsageError("cannot read reference tensors " + reference + ": " + e.getMessage());
    }
  }
}
