package dss.cli;

import java.util.ServiceLoader;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code dreamsim} command line. JSON results go to stdout, progress and logs to stderr. Exit
 * status: 0 success, 1 when some inputs failed, 2 on usage errors, 3 when another process is
 * writing the index.
 */
@Command(
    name = "dreamsim",
    mixinStandardHelpOptions = true,
    scope = CommandLine.ScopeType.INHERIT,
    version = "dreamsim 0.1.0",
    description = "Perceptual image search: DreamSim embeddings in a Lucene HNSW index.",
    subcommands = {
      EmbedCommand.class,
      DistanceCommand.class,
      IndexCommand.class,
      SearchCommand.class,
      StatsCommand.class,
      ServeCommand.class,
      DedupCommand.class,
      ModelCommand.class,
      CheckCommand.class,
      BackupCommand.class,
      ClusterCommand.class,
      DoctorCommand.class,
      CompletionCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @CommandLine.Option(
      names = {"-v", "--verbose"},
      scope = CommandLine.ScopeType.INHERIT,
      description = "Also print diagnostics on stderr (debug logs, Lucene and ONNX Runtime notes).")
  boolean verbose;

  @CommandLine.Option(
      names = {"-q", "--quiet"},
      scope = CommandLine.ScopeType.INHERIT,
      description = "Print only errors on stderr: no progress, no warnings.")
  boolean quiet;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "a command is required (see --help)");
  }

  public static void main(String[] args) {
    System.exit(run(true, args));
  }

  /**
   * Runs the command line with another installation root (models/, index-data/); tests use it
   * in-process.
   */
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
    return run(false, args);
  }

  /**
   * {@code ownProcess}: the command owns this JVM (not a caller's), so a batch command may lower
   * its priority.
   */
  private static int run(boolean ownProcess, String... args) {
    Settings settings;
    try {
      settings = Settings.ofProcess();
    } catch (java.io.IOException e) {
      System.err.println("dreamsim: " + e.getMessage());
      return 2;
    }
    return commandLine(settings, ownProcess).execute(args);
  }

  static CommandLine commandLine(Settings settings) {
    return commandLine(settings, false);
  }

  /**
   * The command line with its option defaults from {@code settings} (environment and config file).
   */
  private static CommandLine commandLine(Settings settings, boolean ownProcess) {
    CommandLine cli = new CommandLine(new Main());
    // Commands of optional modules on the classpath (the tools module adds eval and bench)
    for (MoreCommands more : ServiceLoader.load(MoreCommands.class))
      more.commands().forEach(cli::addSubcommand);
    cli.setDefaultValueProvider(
        settings); // after every subcommand is added: it applies to those present
    cli.setExecutionExceptionHandler(new ErrorHandler());
    cli.setExecutionStrategy(
        parsed -> {
          Main main = cli.getCommand();
          String command =
              parsed.subcommand() == null ? "" : parsed.subcommand().commandSpec().name();
          boolean server = command.equals("serve");
          // index is a batch job: its whole process (JVM compiler and GC threads too) behind
          // interactive work and a server on the same machine. Only when the JVM is its own: an
          // in-process caller keeps its priority.
          if (ownProcess && command.equals("index")) dss.util.BackgroundPriority.lowerProcess();
          Logging.configure(
              main.quiet
                  ? Logging.Verbosity.QUIET
                  : main.verbose
                      ? Logging.Verbosity.VERBOSE
                      : server ? Logging.Verbosity.SERVER : Logging.Verbosity.NORMAL);
          return new CommandLine.RunLast().execute(parsed);
        });
    return cli;
  }
}
