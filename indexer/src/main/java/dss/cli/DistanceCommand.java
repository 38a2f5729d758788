package dss.cli;

import dss.image.ImageException;
import dss.image.ImagePipeline;
import dss.model.Embedder;
import dss.model.ModelException;
import dss.model.Vectors;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** DreamSim distance of two images. */
@Command(name = "distance", sortOptions = false,
    description = {"Print the DreamSim distance (1 - cosine of the embeddings) of images A and B:",
        "  {\"distance\": d}   (0 = identical, up to 2)"})
final class DistanceCommand implements Callable<Integer> {
  @Mixin ModelOptions modelOptions;

  @Parameters(index = "0", paramLabel = "A", description = "First image file.")
  String a;

  @Parameters(index = "1", paramLabel = "B", description = "Second image file.")
  String b;

  @Spec CommandSpec spec;

  record Result(float distance) {}

  @Override public Integer call() throws ModelException {
    ImagePipeline pipeline = new ImagePipeline();
    float[] ta;
    float[] tb;
    try {
      ta = pipeline.prepare(Path.of(a)).tensor();
      tb = pipeline.prepare(Path.of(b)).tensor();
    } catch (ImageException e) {
      spec.commandLine().getErr().println("dreamsim distance: " + e.getMessage());
      return 1;
    }
    try (Embedder embedder = modelOptions.open()) {
      float[][] v = embedder.embed(List.of(ta, tb));
      spec.commandLine().getOut().println(JsonOut.line(new Result(Vectors.distance(v[0], v[1]))));
    }
    return 0;
  }
}
