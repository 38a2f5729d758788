package dss.cli;

import dss.image.ImagePipeline;
import dss.index.Hit;
import dss.index.ImageIndex;
import dss.index.KnnQuery;
import dss.ingest.IngestPipeline;
import dss.model.Embedder;
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

/** {@code dreamsim search}: the nearest indexed images to an image file or to an indexed image (thin over the query API). */
@Command(name = "search", footer = {"", "Examples:", "  dreamsim search photo.jpg", "  dreamsim search -k 50 --max-distance 0.3 --path-prefix ~/Pictures/2024/ photo.jpg", "  dreamsim search --candidates 800 photo.jpg   (higher recall, slower)", "  dreamsim search --id 3f2a9c...   (an id from an earlier result)"}, header = "Find the indexed images nearest to an image file or to an indexed image.", sortOptions = false,
    description = "Print {\"results\": [{\"id\", \"path\", \"distance\", \"width\", \"height\"}], \"took_ms\"}, nearest "
        + "first; distance = 1 - cosine of DreamSim embeddings.")
final class SearchCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  static final class Query {
    @Parameters(paramLabel = "IMAGE", description = "Image file to search with.") Path image;
    @Option(names = "--id", description = "Search with an indexed image (no model run).") String id;
  }

  @ArgGroup(multiplicity = "1") Query query;

  @Mixin IndexOptions indexOptions;

  /** Without --model, the model variant recorded in the index. */
  @Mixin ModelOptions modelOptions;

  @Option(names = "-k", defaultValue = "10", description = "Number of results (default: 10).")
  int k;

  @Option(names = "--max-distance", paramLabel = "D", description = "Only results at most this far (0..2).")
  Float maxDistance;

  @Option(names = "--path-prefix", paramLabel = "P", description = "Only images whose path starts with P.")
  String pathPrefix;

  @Option(names = "--candidates", paramLabel = "N", description = "Candidates the approximate search collects "
      + "(k..10000; more: better recall, slower). Default: max(4 k, 200), recall@10 >= 0.95 on embedding-like "
      + "vectors.")
  Integer candidates;

  @Override public Integer call() throws Exception {
    KnnQuery options = options();
    try (ImageIndex index = indexOptions.openReadOnly()) {
      SimilaritySearch.Result result;
      if (query.image == null) {
        result = new SimilaritySearch(index, null).byId(query.id, options);
      } else {
        if (!spec.commandLine().getParseResult().hasMatchedOption("--model")) {
          modelOptions.model = index.metadata().model().variant();
        }
        modelOptions.bindTo(index.metadata().model());
        // the query is preprocessed as the index's images were
        try (Embedder embedder = modelOptions.open();
             IngestPipeline ingest = new IngestPipeline(ModelOptions.pipeline(
                 index.metadata().config().preprocessing(), ImagePipeline.DEFAULT_MAX_PIXELS), embedder)) {
          index.requireModel(embedder.info());
          result = new SimilaritySearch(index, ingest).byFile(query.image, options);
        }
      }
      // took_ms: preprocessing, model and search, not loading the model
      print(result.hits(), result.decodeMs() + result.modelMs() + result.searchMs());
      return 0;
    }
  }

  /** The k-NN options of the command line, validated (a bad value is a usage error: exit status 2). */
  KnnQuery options() {
    if (k <= 0) throw new IllegalArgumentException("-k must be positive, got " + k);
    return KnnQuery.options(k, maxDistance, absolutePrefix(), candidates(candidates, k, "-k"));
  }

  /** {@code --candidates}: k..10000, or the default for k when absent. */
  static int candidates(Integer candidates, int k, String kName) {
    if (candidates == null) return KnnQuery.defaultCandidates(k);
    if (candidates < k || candidates > KnnQuery.MAX_CANDIDATES) {
      throw new IllegalArgumentException("--candidates must be between " + kName + " (" + k + ") and "
          + KnnQuery.MAX_CANDIDATES + ", got " + candidates);
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
    List<Result> results = hits.stream().map(h -> new Result(h.image().id(), h.image().path(), h.distance(),
        h.image().width(), h.image().height())).toList();
    spec.commandLine().getOut().println(JsonOut.line(new Results(results, Math.round(tookMs * 100) / 100.0)));
    spec.commandLine().getOut().flush();
  }
}
