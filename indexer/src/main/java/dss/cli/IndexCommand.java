package dss.cli;

import dss.index.ImageIndex;
import dss.index.IndexConfig;
import dss.ingest.IngestPipeline;
import dss.ingest.LibraryIndexer;
import dss.search.Library;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code dreamsim index}: brings an index up to date with the images under some folders (thin over
 * LibraryIndexer).
 */
@Command(
    name = "index",
    footer = {
      "",
      "Examples:",
      "  dreamsim index ~/Pictures",
      "  dreamsim index --merge --errors failed.jsonl ~/Pictures /mnt/photos",
      "  dreamsim index --index /data/dreamsim --model dino_vitb16 ~/Pictures"
    },
    header = "Index the photos under folders, incrementally and crash-safely.",
    sortOptions = false,
    description = {
      "Index the images under DIR... (incremental: unchanged files are not read again, copies and renames reuse "
          + "their vector, vanished files are removed). Progress on stderr; a JSON summary on stdout:",
      "{\"added\", \"updated\", \"unchanged\", \"removed\", \"failed\", \"skipped\", \"seconds\"} (skipped: files"
          + " that are not images of a supported format). Exit 1 when some file failed."
    })
final class IndexCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(
      arity = "1..*",
      paramLabel = "DIR",
      description = "Folders (or single files) to index.")
  List<Path> roots;

  @Mixin IndexOptions indexOptions;

  /** --shards --replicas of a new solr:// collection (IndexOptions reads them). */
  @Mixin CollectionOptions collectionOptions;

  @Mixin ModelOptions modelOptions;

  @Option(
      names = "--quantization",
      paramLabel = "none|int8|int4|int1",
      description =
          "Vector storage of a new index (default: none = float32); quantized vectors are rescored at "
              + "full precision at query time. An existing index keeps its own.")
  String quantization;

  @Option(
      names = "--hnsw-m",
      defaultValue = "16",
      description = "HNSW max connections per node (new index).")
  int hnswM;

  @Option(
      names = "--hnsw-beam",
      defaultValue = "100",
      description = "HNSW beam width at build time (new index).")
  int hnswBeam;

  @Option(
      names = "--include",
      paramLabel = "GLOB",
      description = "Only files matching (name or relative path).")
  List<String> include = new ArrayList<>();

  @Option(
      names = "--exclude",
      paramLabel = "GLOB",
      description = "Skip files matching (name or relative path).")
  List<String> exclude = new ArrayList<>();

  @Option(
      names = "--hidden",
      description = "Also index hidden files and folders (name starting with '.').")
  boolean hidden;

  @Option(
      names = "--keep-missing",
      description = "Keep the documents of files that no longer exist.")
  boolean keepMissing;

  @Option(
      names = "--errors",
      paramLabel = "FILE",
      description = "Write failed files as JSON lines {path, error}.")
  Path errors;

  @Option(
      names = "--list-skipped",
      description =
          "Also name each skipped file (not an image of a supported format) "
              + "with what it is, on stderr and in the --errors file as {path, skipped}.")
  boolean listSkipped;

  @Option(
      names = "--max-file-mb",
      defaultValue = "512",
      description =
          "Files larger than this (MiB) are refused before they are read (default: ${DEFAULT-VALUE}).")
  int maxFileMb;

  @Option(
      names = "--decode-threads",
      description = "Parallel decode+preprocess workers (default: cores).")
  int decodeThreads = Math.max(1, Runtime.getRuntime().availableProcessors());

  @Option(
      names = "--commit-every",
      defaultValue = "1000",
      description = "Commit after this many images.")
  int commitEvery;

  @Option(
      names = "--commit-seconds",
      defaultValue = "30",
      description = "Commit at least this often (seconds).")
  int commitSeconds;

  @Option(
      names = "--merge",
      description =
          "Merge the index into one segment at the end: the fastest searches "
              + "(several times faster than a freshly bulk-built index), at the cost of rebuilding the HNSW graph once.")
  boolean merge;

  @Override
  public Integer call() throws Exception {
    if (maxFileMb < 1)
      throw new ParameterException(spec.commandLine(), "--max-file-mb must be at least 1");
    IndexConfig config =
        new IndexConfig(parseQuantization(), hnswM, hnswBeam, modelOptions.preprocessing());
    PrintStream err = System.err;
    // The model opens only if some file needs embedding: an unchanged re-run never loads it
    Library.Options libraryOptions =
        Library.Options.defaults().withNewIndex(config).withDecodeThreads(decodeThreads);
    try (Library opened = indexOptions.open(Library.Access.WRITABLE, modelOptions, libraryOptions);
        BufferedWriter errorLog = errors == null ? null : Files.newBufferedWriter(errors)) {
      ImageIndex library = opened.index();
      IngestPipeline ingest = opened.ingest();
      IndexConfig.Quantization kept = library.metadata().config().quantization();
      if (quantization != null && kept != config.quantization()) {
        throw new ParameterException(
            spec.commandLine(),
            "index "
                + library.location()
                + " stores vectors as "
                + kept.name().toLowerCase(Locale.ROOT)
                + "; it keeps that storage (use another --index to change it)");
      }
      var options =
          new LibraryIndexer.Options(
              roots,
              include,
              exclude,
              hidden,
              keepMissing,
              commitEvery,
              Duration.ofSeconds(commitSeconds),
              (long) maxFileMb << 20);
      LibraryIndexer indexer = new LibraryIndexer(library, ingest, options);
      LibraryIndexer.Summary s;
      try (ProgressDisplay progress = ProgressDisplay.start(indexer, err)) {
        s =
            indexer.run(
                failure -> {
                  err.println(
                      "dreamsim index: " + Terminal.safe(failure.path() + ": " + failure.error()));
                  if (errorLog != null) writeLine(errorLog, failure);
                },
                skip -> {
                  if (!listSkipped) return;
                  synchronized (err) { // called from the decode workers
                    err.println(
                        "dreamsim index: skipped "
                            + Terminal.safe(skip.path() + ": " + skip.error()));
                    if (errorLog != null)
                      writeLine(errorLog, new Skipped(skip.path(), skip.error()));
                  }
                });
      }
      if (merge) {
        err.println("dreamsim index: merging into one segment...");
        library.optimize();
      }
      spec.commandLine()
          .getOut()
          .println(
              JsonOut.line(
                  new Line(
                      s.added(),
                      s.updated(),
                      s.unchanged(),
                      s.removed(),
                      s.failed(),
                      s.skipped(),
                      Math.round(s.seconds() * 1000) / 1000.0)));
      spec.commandLine().getOut().flush();
      return s.failed() > 0 ? 1 : 0;
    }
  }

  private IndexConfig.Quantization parseQuantization() {
    if (quantization == null) return IndexConfig.Quantization.NONE;
    try {
      return IndexConfig.Quantization.valueOf(quantization.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ParameterException(
          spec.commandLine(),
          "--quantization must be none, int8, int4 or int1, not '" + quantization + "'");
    }
  }

  /** The summary line on stdout. */
  record Line(
      long added,
      long updated,
      long unchanged,
      long removed,
      long failed,
      long skipped,
      double seconds) {}

  /** A skipped file in the --errors file (with --list-skipped). */
  record Skipped(String path, String skipped) {}

  private static void writeLine(BufferedWriter out, Object line) {
    synchronized (
        out) { // failures come from the calling thread, skipped files from the decode workers
      try {
        out.write(JsonOut.line(line));
        out.newLine();
        out.flush();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** A progress bar when stderr is a terminal, else a plain log line every few seconds. */
  private static final class ProgressDisplay implements AutoCloseable {
    private final ScheduledExecutorService ticker =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "progress");
              t.setDaemon(true);
              return t;
            });
    private final ProgressBar bar;
    private final LibraryIndexer indexer;
    private final PrintStream err;

    private ProgressDisplay(LibraryIndexer indexer, PrintStream err, boolean terminal) {
      this.indexer = indexer;
      this.err = err;
      bar =
          terminal
              ? new ProgressBarBuilder()
                  .setTaskName("index")
                  .setInitialMax(0)
                  .showSpeed()
                  .setStyle(ProgressBarStyle.ASCII)
                  .setUnit(" img", 1)
                  .setConsumer(new ConsoleProgressBarConsumer(err))
                  .build()
              : null;
      ticker.scheduleAtFixedRate(
          () -> show(indexer.progress(), err),
          terminal ? 500 : 5000,
          terminal ? 500 : 5000,
          TimeUnit.MILLISECONDS);
    }

    static ProgressDisplay start(LibraryIndexer indexer, PrintStream err) {
      return new ProgressDisplay(indexer, err, stderrIsTerminal());
    }

    private void show(LibraryIndexer.Progress p, PrintStream err) {
      if (bar != null) {
        bar.maxHint(p.total());
        bar.stepTo(p.done());
        bar.setExtraMessage(p.failed() > 0 ? p.failed() + " failed" : "");
      } else {
        err.printf(
            Locale.ROOT,
            "dreamsim index: %d/%d%s files, %.1f files/s, ETA %s, %d failed%n",
            p.done(),
            p.total(),
            p.walking() ? "+" : "",
            p.filesPerSecond(),
            eta(p),
            p.failed());
      }
    }

    private static String eta(LibraryIndexer.Progress p) {
      if (p.walking() || Double.isNaN(p.etaSeconds())) return "?";
      long s = Math.round(p.etaSeconds());
      return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
    }

    /**
     * The launcher says (it filters stderr through a pipe, so the JVM cannot see the terminal
     * itself); else Linux: fd 2 links to a tty; elsewhere, whether the JVM has a console at all.
     */
    private static boolean stderrIsTerminal() {
      String fromLauncher = System.getProperty("dss.stderr.tty");
      if (fromLauncher != null) return Boolean.parseBoolean(fromLauncher);
      try {
        String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
        return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
      } catch (IOException | UnsupportedOperationException e) {
        return System.console() != null;
      }
    }

    @Override
    public void close() {
      ticker.shutdownNow();
      if (bar != null) {
        show(indexer.progress(), err); // the final count, not the last tick's
        bar.close();
      }
    }
  }
}
