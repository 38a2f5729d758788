package dss.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The help a newcomer reads: every command and subcommand summed up in one complete sentence. */
class HelpTest {
  private static void collect(CommandLine cli, List<String> bad) {
    for (CommandLine sub : cli.getSubcommands().values()) {
      String[] header = sub.getCommandSpec().usageMessage().header();
      String summary =
          header.length > 0
              ? String.join(" ", header)
              : sub.getCommandSpec().usageMessage().description().length > 0
                  ? sub.getCommandSpec().usageMessage().description()[0]
                  : "";
      if (summary.isBlank() || !summary.endsWith("."))
        bad.add(sub.getCommandSpec().qualifiedName() + ": " + summary);
      collect(sub, bad);
    }
  }

  @Test
  void everySummaryIsACompleteSentence() throws Exception {
    CommandLine cli = Main.commandLine(new Settings(Map.of(), null));
    assertTrue(
        cli.getSubcommands()
            .keySet()
            .containsAll(List.of("index", "search", "serve", "completion")));
    List<String> bad = new ArrayList<>();
    collect(cli, bad);
    assertEquals(List.of(), bad);
  }

  @Test
  void completionScriptCoversTheCommands() {
    CliRun run = CliRun.of("completion", "bash");
    assertEquals(0, run.status(), run.err());
    assertTrue(
        run.out().contains("dreamsim")
            && run.out().contains("serve")
            && run.out().contains("--max-distance"),
        run.out().substring(0, Math.min(300, run.out().length())));
    assertEquals(2, CliRun.of("completion", "fish").status());
  }
}
