package dss.cli;

import dss.image.ImagePipeline;
import dss.search.Library;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Embeds image files through the ingest pipeline; prints results in input order. */
@Command(
    name = "embed",
    footer = {
      "",
      "Examples:",
      "  dreamsim embed a.jpg b.png > vectors.jsonl",
      "  dreamsim embed --model test photos/*.jpg"
    },
    header = "Print the DreamSim embedding of image files, one JSON line per file.",
    sortOptions = false,
    description = {
      "Print the DreamSim embedding of each FILE as one JSON line, in input order:",
      "  {\"path\": ..., \"embedding\": [...]}  or  {\"path\": ..., \"error\": ...}",
      "Exit status 1 when any file failed (the others are still embedded)."
    })
final class EmbedCommand implements Callable<Integer> {
  @Mixin ModelOptions modelOptions;

  @Parameters(arity = "1..*", paramLabel = "FILE", description = "Image files.")
  List<String> files;

  @Spec CommandSpec spec;

  /** One output line: an embedding or an error, never both. */
  record Line(String path, float[] embedding, String error) {}

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    int[] failed = {0};
    try (Library library =
        Library.withoutIndex(modelOptions, modelOptions.preprocessing(), new ImagePipeline())) {
      library
          .ingest()
          .embedFiles(
              files.stream().map(Path::of).toList(),
              (i, file, vector, error) -> {
                if (error != null) failed[0]++;
                out.println(JsonOut.line(new Line(files.get(i), vector, error)));
                out.flush();
              });
    }
    return failed[0] == 0 ? 0 : 1;
  }
}
