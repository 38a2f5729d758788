package dss.cli;

import dss.index.ImageIndex;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code dreamsim stats}: what an index holds (reads the latest commit; works while an indexer is
 * running).
 */
@Command(
    name = "stats",
    header = "Print what an index holds: documents, model, storage, size.",
    description =
        "Print {\"documents\", \"model\", \"dimensions\", \"quantization\", \"segments\", "
            + "\"bytes\"} of an index.")
final class StatsCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin IndexOptions indexOptions;

  @Override
  public Integer call() throws Exception {
    try (ImageIndex index = indexOptions.openReadOnly()) {
      spec.commandLine().getOut().println(JsonOut.line(index.stats()));
      spec.commandLine().getOut().flush();
      return 0;
    }
  }
}
