package dss.cli;

import dss.image.ImageException;
import dss.image.ImagePipeline;
import dss.search.Library;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** DreamSim distance of two images (thin over {@link SimilaritySearch#distance(Path, Path)}). */
@Command(
    name = "distance",
    header = "Print the DreamSim distance between two images.",
    sortOptions = false,
    description = {
      "Print the DreamSim distance (1 - cosine of the embeddings) of images A and B:",
      "  {\"distance\": d}   (0 = identical, up to 2)"
    })
final class DistanceCommand implements Callable<Integer> {
  @Mixin ModelOptions modelOptions;

  @Parameters(index = "0", paramLabel = "A", description = "First image file.")
  Path a;

  @Parameters(index = "1", paramLabel = "B", description = "Second image file.")
  Path b;

  @Spec CommandSpec spec;

  record Result(float distance) {}

  @Override
  public Integer call() throws Exception {
    try (Library library =
        Library.withoutIndex(modelOptions, modelOptions.preprocessing(), new ImagePipeline())) {
      float d = library.search().distance(a, b);
      spec.commandLine().getOut().println(JsonOut.line(new Result(d)));
      return 0;
    } catch (ImageException e) {
      spec.commandLine().getErr().println("dreamsim distance: " + e.getMessage());
      return 1;
    }
  }
}
