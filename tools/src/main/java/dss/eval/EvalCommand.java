package dss.eval;

import dss.cli.JsonOut;
import dss.cli.ModelOptions;
import dss.cli.UsageError;
import dss.image.ImagePipeline;
import dss.ingest.Failure;
import dss.ingest.IngestPipeline;
import dss.model.Embedder;
import dss.model.Vectors;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * Evaluation harness: human agreement (2AFC), dedup calibration, retrieval quality, and the
 * copy-set builder.
 */
@Command(
    name = "eval",
    header = "Evaluate a model: human agreement, duplicate threshold, retrieval.",
    description =
        "Evaluate a model: 2afc (NIGHTS), dedup (threshold calibration), retrieval, make-copies.",
    subcommands = {
      EvalCommand.TwoAfcCommand.class,
      EvalCommand.DedupEvalCommand.class,
      EvalCommand.RetrievalCommand.class,
      EvalCommand.MakeCopiesCommand.class
    })
public final class EvalCommand {
  private EvalCommand() {}

  /**
   * Embeds files with the chosen model through the ingest pipeline; failures are printed to stderr
   * and returned.
   */
  static Map<Path, float[]> embed(
      ModelOptions options, List<Path> files, List<Failure> failed, CommandSpec spec)
      throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    try (Embedder embedder = options.open();
        IngestPipeline ingest = new IngestPipeline(options.pipeline(), embedder)) {
      err.println(
          "eval: "
              + files.size()
              + " images with "
              + embedder.info().name()
              + " on "
              + embedder.device());
      Map<Path, float[]> vectors = new LinkedHashMap<>();
      long[] lastLine = {System.nanoTime()};
      ingest.embedFiles(
          files,
          (i, file, vector, error) -> {
            if (error != null) {
              failed.add(new Failure(file.toString(), error));
              err.println(file + ": " + error);
            } else {
              vectors.put(file, vector);
            }
            if (System.nanoTime() - lastLine[0]
                >= 10_000_000_000L) { // a progress line every 10 s at most
              lastLine[0] = System.nanoTime();
              err.println("eval: embedded " + (i + 1) + "/" + files.size());
            }
          });
      err.flush();
      return vectors;
    }
  }

  @Command(
      name = "2afc",
      header = "Score agreement with human 2AFC judgments on the NIGHTS layout.",
      description = {
        "Agreement with human 2AFC judgments on the NIGHTS layout (DIR/data.csv), scored as DreamSim's evaluation:",
        "rows with votes >= 6; prints {\"split\", \"accuracy\", \"n\"}."
      })
  static final class TwoAfcCommand implements Callable<Integer> {
    @Option(
        names = "--dataset",
        required = true,
        paramLabel = "DIR",
        description = "NIGHTS folder (with data.csv).")
    Path dataset;

    @Option(
        names = "--split",
        defaultValue = "test",
        paramLabel = "S",
        description =
            "train, val, test, test_imagenet or test_no_imagenet. Default: ${DEFAULT-VALUE}.")
    String split;

    @Mixin ModelOptions model;
    @Spec CommandSpec spec;

    record Output(String split, double accuracy, int n, String model, List<Failure> failed) {}

    @Override
    public Integer call() throws Exception {
      List<TwoAfc.Triplet> triplets = TwoAfc.load(dataset, split);
      LinkedHashSet<Path> files = new LinkedHashSet<>();
      for (TwoAfc.Triplet t : triplets) files.addAll(List.of(t.ref(), t.left(), t.right()));
      List<Failure> failed = new ArrayList<>();
      Map<Path, float[]> vectors = embed(model, List.copyOf(files), failed, spec);
      TwoAfc.Result r = TwoAfc.accuracy(split, triplets, vectors);
      spec.commandLine()
          .getOut()
          .println(
              JsonOut.line(
                  new Output(
                      r.split(),
                      r.accuracy(),
                      r.n(),
                      model.model,
                      failed.isEmpty() ? null : failed)));
      return failed.isEmpty() ? 0 : 1;
    }
  }

  /**
   * The labelled set, embedded: labels and vectors of the files that could be read, in the same
   * order.
   */
  record Embedded(String[] labels, List<String> names, float[][] vectors, List<Failure> failed) {
    static Embedded of(Path dataset, ModelOptions model, CommandSpec spec) throws Exception {
      List<LabelledSet.Entry> entries = LabelledSet.read(dataset);
      if (entries.isEmpty()) throw new IOException(dataset + ": no files");
      List<Failure> failed = new ArrayList<>();
      Map<Path, float[]> vectors =
          embed(model, entries.stream().map(LabelledSet.Entry::file).toList(), failed, spec);
      List<LabelledSet.Entry> ok =
          entries.stream().filter(e -> vectors.containsKey(e.file())).toList();
      return new Embedded(
          ok.stream().map(LabelledSet.Entry::group).toArray(String[]::new),
          ok.stream().map(e -> e.file().getFileName().toString()).toList(),
          ok.stream().map(e -> vectors.get(e.file())).toArray(float[][]::new),
          failed);
    }
  }

  @Command(
      name = "dedup",
      header = "Calibrate the duplicate threshold on a labelled copy set.",
      description = {
        "Pairwise precision/recall/F1 of duplicate groups over a threshold sweep, and the best-F1 threshold;",
        "for sets made by make-copies also each edit's median and largest distance to its original.",
        "DIR holds images named GROUP__anything.ext (files without __ are distractors); see eval make-copies."
      })
  static final class DedupEvalCommand implements Callable<Integer> {
    @Option(names = "--dataset", required = true, paramLabel = "DIR")
    Path dataset;

    @Option(
        names = "--from",
        defaultValue = "0",
        description = "First threshold. Default: ${DEFAULT-VALUE}.")
    float from;

    @Option(
        names = "--to",
        defaultValue = "0.6",
        description = "Last threshold. Default: ${DEFAULT-VALUE}.")
    float to;

    @Option(
        names = "--step",
        defaultValue = "0.01",
        description = "Sweep step. Default: ${DEFAULT-VALUE}.")
    float step;

    @Mixin ModelOptions model;
    @Spec CommandSpec spec;

    record Output(
        String model,
        int images,
        long truePairs,
        DedupEval.Point best,
        List<DedupEval.EditDistance> edits,
        List<DedupEval.Point> sweep,
        List<Failure> failed) {}

    @Override
    public Integer call() throws Exception {
      List<Float> thresholds = DedupEval.range(from, to, step);
      Embedded set = Embedded.of(dataset, model, spec);
      DedupEval.Result r =
          DedupEval.sweep(set.labels(), DedupEval.exact(set.vectors()), thresholds);
      spec.commandLine()
          .getOut()
          .println(
              JsonOut.line(
                  new Output(
                      model.model,
                      r.images(),
                      r.truePairs(),
                      r.best(),
                      DedupEval.editDistances(set.names(), set.vectors()),
                      r.sweep(),
                      set.failed().isEmpty() ? null : set.failed())));
      return set.failed().isEmpty() ? 0 : 1;
    }
  }

  @Command(
      name = "retrieval",
      header = "Measure query-by-example quality on a labelled set.",
      description = {
        "Query-by-example quality on a labelled set (GROUP__anything.ext): mean average precision and recall@k,",
        "each image querying all the others by exact DreamSim distance."
      })
  static final class RetrievalCommand implements Callable<Integer> {
    @Option(names = "--dataset", required = true, paramLabel = "DIR")
    Path dataset;

    @Option(
        names = "--k",
        split = ",",
        defaultValue = "1,5,10",
        description = "Cut-offs for recall@k. Default: ${DEFAULT-VALUE}.")
    int[] ks;

    @Mixin ModelOptions model;
    @Spec CommandSpec spec;

    record Output(
        String model,
        int images,
        int queries,
        double meanAveragePrecision,
        Map<String, Double> recallAtK,
        List<Failure> failed) {}

    @Override
    public Integer call() throws Exception {
      for (int k : ks) if (k < 1) throw new UsageError("--k values must be positive, got " + k);
      Embedded set = Embedded.of(dataset, model, spec);
      float[][] v = set.vectors();
      RetrievalEval.Result r =
          RetrievalEval.evaluate(
              set.labels(),
              q -> {
                float[] d = new float[v.length];
                for (int i = 0; i < v.length; i++) d[i] = Vectors.distance(v[q], v[i]);
                return IntStream.range(0, v.length)
                    .filter(i -> i != q)
                    .boxed()
                    .sorted((a, b) -> Float.compare(d[a], d[b]))
                    .mapToInt(Integer::intValue)
                    .toArray();
              },
              ks);
      Map<String, Double> recall = new LinkedHashMap<>();
      r.recallAtK().forEach((k, value) -> recall.put(String.valueOf(k), value));
      spec.commandLine()
          .getOut()
          .println(
              JsonOut.line(
                  new Output(
                      model.model,
                      r.images(),
                      r.queries(),
                      r.meanAveragePrecision(),
                      recall,
                      set.failed().isEmpty() ? null : set.failed())));
      return set.failed().isEmpty() ? 0 : 1;
    }
  }

  @Command(
      name = "make-copies",
      header = "Build a labelled copy-detection set from a folder of originals.",
      description = {
        "Build a copy-detection set from a folder of originals: for NAME.jpg, OUT/NAME__original.jpg and",
        "OUT/NAME__{resized,recompressed,cropped,brightened,blurred,rotated,flipped,png,text}.*",
        "(no WebP: no WebP writer in Java; add WebP files by hand with the same naming)."
      })
  static final class MakeCopiesCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "SRC", description = "Folder of original images.")
    Path src;

    @Parameters(index = "1", paramLabel = "OUT", description = "Output folder (created).")
    Path out;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws IOException {
      PrintWriter err = spec.commandLine().getErr();
      CopySetBuilder.Result r =
          new CopySetBuilder(new ImagePipeline())
              .build(
                  src,
                  out,
                  line -> {
                    err.println(line);
                    err.flush();
                  });
      spec.commandLine().getOut().println(JsonOut.line(r));
      return r.failed().isEmpty() ? 0 : 1;
    }
  }
}
