package dss.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code dreamsim completion bash}: the completion script picocli generates from the command
 * definitions.
 */
@Command(
    name = "completion",
    header = "Print a shell completion script (bash, also read by zsh).",
    footer = {"", "Example:", "  source <(./dreamsim completion bash)"})
final class CompletionCommand implements Callable<Integer> {
  @Parameters(
      paramLabel = "SHELL",
      defaultValue = "bash",
      description = "bash (zsh reads it through bashcompinit).")
  String shell;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    if (!shell.equals("bash"))
      throw new UsageError("completion is available for bash, not '" + shell + "'");
    spec.commandLine().getOut().print(AutoComplete.bash("dreamsim", spec.root().commandLine()));
    spec.commandLine().getOut().flush();
    return 0;
  }
}
