package dss.bench;

import dss.cli.UsageError;
import dss.image.FormatSniffer;
import dss.image.ImageException;
import dss.image.ImagePipeline;
import dss.util.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The decode stage of an indexing run alone: what the pipeline's decode workers do to each new file
 * (read the head and sniff it, map, SHA-256, decode + preprocess to the model's tensor), over the
 * same walk and on the same number of threads, with no model and no index. The rate an indexing run
 * of the same files is compared with; tensors are dropped as they are made, so memory stays flat at
 * any library size.
 */
final class DecodeOnly {
  /** Files decoded untimed first (JIT compilation, native libraries), at most. */
  private static final int WARM_UP = 300;

  private DecodeOnly() {}

  static Map<String, Object> run(Path library, int threads) throws Exception {
    if (threads < 1) throw new UsageError("--decode-threads must be at least 1");
    List<Path> files = IndexingBench.imageFiles(library, "decode-only");
    if (files.isEmpty()) throw new UsageError("no images under " + library);
    ImagePipeline images = new ImagePipeline();
    decode(images, files.subList(0, Math.min(WARM_UP, files.size())), threads);
    long start = System.nanoTime();
    long cpuStart = ProcessCpu.nanos();
    long failed = decode(images, files, threads);
    double seconds = (System.nanoTime() - start) / 1e9;
    double cpuSeconds = (ProcessCpu.nanos() - cpuStart) / 1e9;
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("bench", "decode-only");
    out.put("library", library.toString());
    out.put("files", files.size());
    out.put("failed", failed);
    out.put("decode_threads", threads);
    out.put("jpeg_decoder", images.jpegDecoder());
    out.put("seconds", round(seconds, 3));
    out.put("files_per_second", round(files.size() / seconds, 1));
    out.put("files_per_cpu_second", round(files.size() / cpuSeconds, 1));
    return out;
  }

  /** Decodes every file on {@code threads} workers taking the next file in turn; the failures. */
  private static long decode(ImagePipeline images, List<Path> files, int threads)
      throws InterruptedException {
    AtomicInteger next = new AtomicInteger();
    AtomicLong failed = new AtomicLong();
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      workers.add(
          Thread.ofPlatform()
              .name("decode-only-" + t)
              .start(
                  () -> {
                    for (int i; (i = next.getAndIncrement()) < files.size(); ) {
                      Path file = files.get(i);
                      try {
                        decodeOne(images, file);
                      } catch (ImageException | IOException e) {
                        failed.incrementAndGet();
                        System.err.println("decode-only: " + file + ": " + e.getMessage());
                      }
                    }
                  }));
    }
    for (Thread w : workers) w.join();
    return failed.get();
  }

  /** The decode worker's steps for a new file (LibraryIndexer's prepare), the tensor dropped. */
  private static void decodeOne(ImagePipeline images, Path file)
      throws IOException, ImageException {
    byte[] head;
    try (InputStream in = Files.newInputStream(file)) {
      head = in.readNBytes(FormatSniffer.HEAD_BYTES);
    }
    if (FormatSniffer.sniff(head) == null) throw new ImageException(file, "not an image");
    ByteBuffer bytes = ImagePipeline.map(file, ImagePipeline.DEFAULT_MAX_FILE_BYTES);
    Sha256.hex(bytes);
    images.prepare(bytes, file.toString());
  }

  private static double round(double v, int decimals) {
    double scale = Math.pow(10, decimals);
    return Math.round(v * scale) / scale;
  }
}
