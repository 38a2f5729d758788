package dss.cli;

import dss.image.ImageException;
import dss.image.ImagePipeline;
import dss.model.Embedder;
import dss.model.ModelException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Embeds image files: decodes in parallel a few batches ahead of the model, prints results in input order. */
@Command(name = "embed", sortOptions = false,
    description = {"Print the DreamSim embedding of each FILE as one JSON line, in input order:",
        "  {\"path\": ..., \"embedding\": [...]}  or  {\"path\": ..., \"error\": ...}",
        "Exit status 1 when any file failed (the others are still embedded)."})
final class EmbedCommand implements Callable<Integer> {
  @Mixin ModelOptions modelOptions;

  @Parameters(arity = "1..*", paramLabel = "FILE", description = "Image files.")
  List<String> files;

  @Spec CommandSpec spec;

  /** One output line: an embedding or an error, never both. */
  record Line(String path, float[] embedding, String error) {}

  /** A decoded input or the reason it could not be decoded. */
  private record Decoded(String path, float[] tensor, String error) {}

  @Override public Integer call() throws ModelException {
    ImagePipeline pipeline = new ImagePipeline();
    PrintWriter out = spec.commandLine().getOut();
    int failed = 0;
    try (Embedder embedder = modelOptions.open();
         ExecutorService decoders = Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors())) {
      int batch = embedder.batchSize();
      Deque<Future<Decoded>> ahead = new ArrayDeque<>();
      int submitted = 0;
      for (int start = 0; start < files.size(); start += batch) {
        // keep two batches decoding while the model runs this one
        for (; submitted < Math.min(files.size(), start + 2 * batch); submitted++) {
          String path = files.get(submitted);
          ahead.add(decoders.submit(() -> decode(pipeline, path)));
        }
        List<Decoded> decoded = new ArrayList<>();
        for (int i = start; i < Math.min(files.size(), start + batch); i++) decoded.add(take(ahead.poll()));
        List<float[]> tensors = decoded.stream().filter(d -> d.tensor() != null).map(Decoded::tensor).toList();
        float[][] vectors = embedder.embed(tensors);
        int v = 0;
        for (Decoded d : decoded) {
          if (d.error() != null) failed++;
          out.println(JsonOut.line(d.error() != null ? new Line(d.path(), null, d.error())
              : new Line(d.path(), vectors[v++], null)));
        }
        out.flush();
      }
    }
    return failed == 0 ? 0 : 1;
  }

  private static Decoded decode(ImagePipeline pipeline, String path) {
    try {
      return new Decoded(path, pipeline.prepare(Path.of(path)).tensor(), null);
    } catch (ImageException e) {
      return new Decoded(path, null, e.reason());
    } catch (RuntimeException e) {  // a decoder bug must not take the other files down
      return new Decoded(path, null, "cannot decode: " + e);
    }
  }

  private static Decoded take(Future<Decoded> future) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause());  // decode() catches everything: cannot happen
    }
  }
}
