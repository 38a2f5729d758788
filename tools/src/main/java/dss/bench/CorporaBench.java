package dss.bench;

import dss.cli.UsageError;
import dss.image.FormatSniffer;
import dss.image.ImageException;
import dss.image.ImagePipeline;
import dss.image.OtherFormats;
import dss.image.PreparedImage;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Every file under a folder through the pipeline as {@code index} sees it: indexed (its 224x224
 * preprocess kept for the parity check), failed with its reason, or skipped (not an image of a
 * supported format) with what it is. bench/corpora.sh runs Pillow's reference preprocessing on the
 * same files and prints per-format counts and the worst parity. Writes OUT.tsv (path, outcome,
 * format, size, milliseconds, reason) and OUT.u8 (for each indexed file in order, the tensor times
 * 255 as 224x224x3 bytes, row-major RGB: exact, since the tensor is bytes / 255).
 */
@Command(
    name = "corpora",
    header = "Decode every file under a folder and record outcomes and tensors.",
    description =
        "Outcome of every file under DIR as index sees it, for bench/corpora.sh's comparison with Pillow.")
public final class CorporaBench implements Callable<Integer> {
  @Parameters(
      paramLabel = "DIR",
      description = "Folder of files (walked recursively; hidden files included).")
  Path dir;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "OUT",
      description = "Writes OUT.tsv and OUT.u8.")
  Path out;

  @Option(
      names = "--exact",
      description =
          "DreamSim's official preprocessing: full-size JPEG decoding, no EXIF "
              + "rotation (the default path decodes large JPEGs at reduced size and turns photos upright).")
  boolean exact;

  @Override
  public Integer call() throws IOException {
    if (!Files.isDirectory(dir)) throw new UsageError("no such directory: " + dir);
    List<Path> files;
    try (Stream<Path> s = Files.walk(dir)) {
      files = s.filter(Files::isRegularFile).sorted().toList();
    }
    ImagePipeline pipeline =
        exact ? ImagePipeline.exact(ImagePipeline.DEFAULT_MAX_PIXELS) : new ImagePipeline();
    for (Path file :
        files.subList(
            0, Math.min(20, files.size()))) { // warm-up (class loading, JIT): fair timings
      try {
        pipeline.prepare(file);
      } catch (ImageException e) {
        // counted below
      }
    }
    int size = ImagePipeline.SIZE, plane = size * size;
    try (PrintWriter tsv = new PrintWriter(Files.newBufferedWriter(Path.of(out + ".tsv")));
        OutputStream u8 = new BufferedOutputStream(Files.newOutputStream(Path.of(out + ".u8")))) {
      tsv.println("path\toutcome\tformat\tsize\tms\treason");
      for (Path file : files) {
        String rel = dir.relativize(file).toString();
        byte[] head = head(file);
        String name = file.getFileName().toString();
        if (FormatSniffer.sniff(head) == null
            && !FormatSniffer.namedLikeImage(name)
            && head.length > 0) {
          tsv.println(
              String.join("\t", rel, "skipped", "", "", "0", OtherFormats.reason(head, name)));
          continue;
        }
        long start = System.nanoTime();
        try {
          PreparedImage p = pipeline.prepare(file);
          long ms = (System.nanoTime() - start) / 1_000_000;
          byte[] px = new byte[3 * plane];
          float[] t = p.tensor();
          for (int i = 0; i < plane; i++) {
            for (int c = 0; c < 3; c++) px[3 * i + c] = (byte) Math.round(t[c * plane + i] * 255f);
          }
          u8.write(px);
          tsv.println(
              String.join(
                  "\t",
                  rel,
                  "indexed",
                  p.format(),
                  p.width() + "x" + p.height(),
                  Long.toString(ms),
                  ""));
        } catch (ImageException e) {
          long ms = (System.nanoTime() - start) / 1_000_000;
          String format = FormatSniffer.sniff(head);
          tsv.println(
              String.join(
                  "\t",
                  rel,
                  "failed",
                  format == null ? "" : format.toLowerCase(Locale.ROOT),
                  "",
                  Long.toString(ms),
                  e.reason().replace('\t', ' ').replace('\n', ' ')));
        }
      }
    }
    return 0;
  }

  private static byte[] head(Path file) throws IOException {
    try (var in = Files.newInputStream(file)) {
      return in.readNBytes(FormatSniffer.HEAD_BYTES);
    }
  }
}
