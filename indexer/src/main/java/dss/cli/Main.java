package dss.cli;

import java.util.ServiceLoader;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code dreamsim} command line. JSON results go to stdout, progress and logs to stderr.
 * Exit status: 0 success, 1 when some inputs failed, 2 on usage errors, 3 when another process is writing the index.
 */
@Command(name = "dreamsim", mixinStandardHelpOptions = true, scope = CommandLine.ScopeType.INHERIT, version = "dreamsim 0.1.0",
    description = "Perceptual image search: DreamSim embeddings in a Lucene HNSW index.",
    subcommands = {
        EmbedCommand.class, DistanceCommand.class, IndexCommand.class, SearchCommand.class,
        StatsCommand.class, ServeCommand.class, DedupCommand.class, ModelCommand.class, ClusterCommand.class,
        CommandLine.HelpCommand.class})
public final class Main implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a command is required (see --help)");
  }

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line with another installation root (models/, index-data/); tests use it in-process. */
  public static synchronized int run(java.nio.file.Path root, String... args) {
    Workspace.override(root);
    try {
      return run(args);
    } finally {
      Workspace.override(null);
    }
  }

  /** Runs the command line and returns its exit status (tests call this in-process). */
  public static int run(String... args) {
    CommandLine cli = new CommandLine(new Main());
    // Commands of optional modules on the classpath (the tools module adds eval and bench)
    for (MoreCommands more : ServiceLoader.load(MoreCommands.class)) more.commands().forEach(cli::addSubcommand);
    cli.setExecutionExceptionHandler(new ErrorHandler());
    return cli.execute(args);
  }
}
