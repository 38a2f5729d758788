package dss.cli;

import dss.index.IndexStats;
import dss.index.LibraryIndex;
import dss.index.ReadOnlyIndex;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code dreamsim stats}: what an index holds (reads the latest commit; works while an indexer is running). */
@Command(name = "stats", description = "Print {\"documents\", \"model\", \"dimensions\", \"quantization\", \"segments\", "
    + "\"bytes\"} of an index.")
final class StatsCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--index", paramLabel = "DIR", description = "Index directory (default: index-data/).")
  Path index;

  @Override public Integer call() throws Exception {
    try (ReadOnlyIndex library = ReadOnlyIndex.open(index != null ? index : LibraryIndex.defaultDir())) {
      IndexStats stats = library.stats();
      spec.commandLine().getOut().println(JsonOut.line(stats));
      spec.commandLine().getOut().flush();
      return 0;
    }
  }
}
