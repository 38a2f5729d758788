package dss.cli;

import dss.index.Hit;
import dss.index.KnnOptions;
import dss.search.Library;
import dss.search.SimilaritySearch;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code dreamsim search}: the nearest indexed images to an image file or to an indexed image (thin
 * over the query API).
 */
@Command(
    name = "search",
    footer = {
      "",
      "Examples:",
      "  dreamsim search photo.jpg",
      "  dreamsim search -k 50 --max-distance 0.3 --path-prefix ~/Pictures/2024/ photo.jpg",
      "  dreamsim search --candidates 800 photo.jpg   (higher recall, slower)",
      "  dreamsim search --id 3f2a9c...   (an id from an earlier result)"
    },
    header = "Find the indexed images nearest to an image file or to an indexed image.",
    sortOptions = false,
    description =
        "Print {\"results\": [{\"id\", \"path\", \"distance\", \"width\", \"height\"}], \"took_ms\"}, nearest "
            + "first; distance = 1 - cosine of DreamSim embeddings.")
final class SearchCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  static final class Query {
    @Parameters(paramLabel = "IMAGE", description = "Image file to search with.")
    Path image;

    @Option(names = "--id", description = "Search with an indexed image (no model run).")
    String id;
  }

  @ArgGroup(multiplicity = "1")
  Query query;

  @Mixin IndexOptions indexOptions;

  /** Without --model, the model variant recorded in the index. */
  @Mixin ModelOptions modelOptions;

  @Option(names = "-k", defaultValue = "10", description = "Number of results (default: 10).")
  int k;

  @Option(
      names = "--max-distance",
      paramLabel = "D",
      description = "Only results at most this far (0..2).")
  Float maxDistance;

  @Option(
      names = "--path-prefix",
      paramLabel = "P",
      description = "Only images whose path starts with P.")
  String pathPrefix;

  @Option(
      names = "--candidates",
      paramLabel = "N",
      description =
          "Candidates the approximate search collects "
              + "(k..10000; more: better recall, slower). Default: max(200, 4 k, N / 800) for a library of N images, "
              + "recall@10 >= 0.95 on embedding-like vectors.")
  Integer candidates;

  @Override
  public Integer call() throws Exception {
    KnnOptions options = options();
    // the model loads only for a search by image, which is preprocessed as the index's images were
    try (Library library =
        indexOptions.open(Library.Access.READ_ONLY, modelOptions, Library.Options.defaults())) {
      SimilaritySearch search = library.search();
      SimilaritySearch.Result result =
          query.image == null
              ? search.byId(query.id, options)
              : search.byFile(query.image, options);
      // took_ms: preprocessing, model and search, not loading the model
      print(
          result.hits(),
          result.decodeMs() + result.modelWaitMs() + result.modelMs() + result.searchMs());
      return 0;
    }
  }

  /**
   * The k-NN options of the command line, validated (a bad value is a usage error: exit status 2).
   */
  KnnOptions options() {
    if (k <= 0) throw new UsageError("-k must be positive, got " + k);
    if (maxDistance != null && !(maxDistance >= 0f && maxDistance <= 2f)) {
      throw new UsageError(
          "--max-distance must be a DreamSim distance in [0, 2], got " + maxDistance);
    }
    return new KnnOptions(k, maxDistance, absolutePrefix(), candidates(candidates, k, "-k"));
  }

  /** {@code --candidates}: k..10000, or the library's default when absent. */
  static int candidates(Integer candidates, int k, String kName) {
    if (candidates == null) return KnnOptions.LIBRARY_DEFAULT;
    if (candidates < k || candidates > KnnOptions.MAX_CANDIDATES) {
      throw new UsageError(
          "--candidates must be between "
              + kName
              + " ("
              + k
              + ") and "
              + KnnOptions.MAX_CANDIDATES
              + ", got "
              + candidates);
    }
    return candidates;
  }

  /** Paths are stored absolute: a relative prefix means one relative to the working directory. */
  private String absolutePrefix() {
    if (pathPrefix == null || Path.of(pathPrefix).isAbsolute()) return pathPrefix;
    String abs = Path.of(pathPrefix).toAbsolutePath().normalize().toString();
    return pathPrefix.endsWith("/") ? abs + "/" : abs;
  }

  record Result(String id, String path, float distance, int width, int height) {}

  record Results(List<Result> results, double tookMs) {}

  private void print(List<Hit> hits, double tookMs) {
    List<Result> results =
        hits.stream()
            .map(
                h ->
                    new Result(
                        h.image().id(),
                        h.image().path(),
                        h.distance(),
                        h.image().width(),
                        h.image().height()))
            .toList();
    spec.commandLine()
        .getOut()
        .println(JsonOut.line(new Results(results, Math.round(tookMs * 100) / 100.0)));
    spec.commandLine().getOut().flush();
  }
}
