package dss.cli;

import dss.index.IndexCheck;
import dss.model.Embedder;
import dss.model.ModelException;
import dss.model.ModelInfo;
import dss.model.Models;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dreamsim check}: verifies an index's files and its model binding (thin over {@code
 * ImageIndex.check}). The report goes to stdout as JSON; a damaged index also gets one line on
 * stderr and exit status 1.
 */
@Command(
    name = "check",
    sortOptions = false,
    description = {
      "Verify an index: the checksum of every file and the structure of every segment (Lucene's "
          + "CheckIndex), and the model recorded in it. Prints {\"index\", \"level\", \"healthy\", \"commit\", \"model\", "
          + "\"documents\", \"segments\", \"files\", \"bytes_verified\", \"damage\": [{\"file\", \"segment\", "
          + "\"problem\"}], \"recovery\"}; exit 0 when healthy, 1 when damaged.",
      "Works on a read-only index and while another process writes it."
    })
final class CheckCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin IndexOptions indexOptions;

  @Option(
      names = "--fast",
      description =
          "Only the cheap part: the commit, the model metadata, the checksums of "
              + "the small files and the ends of the large ones (what serve runs at start).")
  boolean fast;

  @Option(
      names = "--model",
      paramLabel = "M",
      description =
          "Also check that the index was built with this model (a variant, 'test' or a .onnx file).")
  String model;

  /** The report on stdout: the check, and with --model whether that model made the index. */
  record Report(
      String index,
      String level,
      boolean healthy,
      ModelInfo model,
      Long documents,
      long bytesVerified,
      List<IndexCheck.Damage> damage,
      String recovery,
      Map<String, Object> details,
      Boolean modelMatches) {}

  @Override
  public Integer call() throws Exception {
    List<String> checksums = model == null ? List.of() : checksums(model);
    String checksum = String.join(" or ", checksums);
    IndexCheck c = indexOptions.provider().check(indexOptions.location(), !fast);
    Boolean matches =
        checksums.isEmpty() || c.model() == null ? null : checksums.contains(c.model().checksum());
    spec.commandLine()
        .getOut()
        .println(
            JsonOut.line(
                new Report(
                    c.index(),
                    c.level(),
                    c.healthy(),
                    c.model(),
                    c.documents(),
                    c.bytesVerified(),
                    c.damage(),
                    c.recovery(),
                    c.details(),
                    matches)));
    spec.commandLine().getOut().flush();
    String name = spec.qualifiedName();
    if (!c.healthy()) spec.commandLine().getErr().println(name + ": " + Terminal.safe(c.summary()));
    if (Boolean.FALSE.equals(matches)) {
      spec.commandLine()
          .getErr()
          .println(
              name
                  + ": "
                  + Terminal.safe(
                      "index "
                          + c.index()
                          + " was built with model "
                          + c.model().name()
                          + " (checksum "
                          + c.model().checksum()
                          + ") but the model given is "
                          + model
                          + " (checksum "
                          + checksum
                          + ")"));
    }
    return c.healthy() && !Boolean.FALSE.equals(matches) ? 0 : 1;
  }

  /**
   * The checksums {@code model} stands for: every installed file of a variant (float32, int8,
   * float16).
   */
  private static List<String> checksums(String model) throws ModelException {
    Models models = ModelOptions.models();
    List<Path> files =
        Models.VARIANTS.containsKey(model.strip())
            ? models.installedFiles(model.strip())
            : List.of();
    if (files.isEmpty())
      files = List.of(models.resolve(model)); // a path, or the variant's "not installed" error
    List<String> checksums = new ArrayList<>();
    for (Path file : files) checksums.add(Embedder.checksum(file));
    return checksums;
  }
}
