package dss.tools;

import dss.bench.BenchCommand;
import dss.cli.MoreCommands;
import dss.eval.EvalCommand;
import java.util.List;

/**
 * Adds {@code dreamsim eval} and {@code dreamsim bench} when the tools module is on the classpath.
 */
public final class ToolCommands implements MoreCommands {
  @Override
  public List<Object> commands() {
    return List.of(EvalCommand.class, BenchCommand.class);
  }
}
