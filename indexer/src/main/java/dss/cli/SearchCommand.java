package dss.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dss.image.ImagePipeline;
import dss.index.LibraryIndex;
import dss.index.ReadOnlyIndex;
import dss.model.Embedder;
import dss.model.Models;
import dss.search.Hit;
import dss.search.Searcher;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.lucene.search.IndexSearcher;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code dreamsim search}: the nearest indexed images to an image file or to an indexed image. */
@Command(name = "search", sortOptions = false,
    description = "Print {\"results\": [{\"id\", \"path\", \"distance\", \"width\", \"height\"}], \"took_ms\"}, nearest "
        + "first; distance = 1 - cosine of DreamSim embeddings.")
final class SearchCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  static final class Query {
    @Parameters(paramLabel = "IMAGE", description = "Image file to search with.") Path image;
    @Option(names = "--id", description = "Search with an indexed image (no model run).") String id;
  }

  @ArgGroup(multiplicity = "1") Query query;

  @Option(names = "--index", paramLabel = "DIR", description = "Index directory (default: index-data/).")
  Path index;

  @Option(names = "--model", description = "Model variant or .onnx path (default: the index's model variant).")
  String model;

  @Option(names = "--device", defaultValue = "auto", description = "auto, cpu, cuda or cuda:N (default: auto).")
  String device;

  @Option(names = "--threads", defaultValue = "0", description = "Model threads on CPU (0 = all cores).")
  int threads;

  @Option(names = "-k", defaultValue = "10", description = "Number of results (default: 10).")
  int k;

  @Option(names = "--max-distance", paramLabel = "D", description = "Only results at most this far (0..2).")
  Float maxDistance;

  @Option(names = "--path-prefix", paramLabel = "P", description = "Only images whose path starts with P.")
  String pathPrefix;

  @Override public Integer call() throws Exception {
    if (k <= 0) throw new IllegalArgumentException("-k must be positive, got " + k);
    try (ReadOnlyIndex library = ReadOnlyIndex.open(index != null ? index : LibraryIndex.defaultDir())) {
      float[] vector = null;
      long start = System.nanoTime();
      if (query.image != null) {
        String name = model != null ? model : library.metadata().model().variant();
        try (Embedder embedder = Embedder.open(Models.resolve(name), device, threads, 1)) {
          library.requireModel(embedder.info());
          start = System.nanoTime(); // took_ms: preprocessing, model and search, not loading the model
          vector = embedder.embed(List.of(new ImagePipeline().prepare(query.image).tensor()))[0];
        }
      }
      IndexSearcher s = library.searcherManager().acquire();
      try {
        Searcher searcher = new Searcher(s);
        if (vector == null) {
          vector = searcher.vector(query.id).orElseThrow(
              () -> new IllegalArgumentException("no image with id " + query.id + " in " + library.dir()));
        }
        List<Hit> hits = searcher.knn(vector, k, maxDistance, absolutePrefix());
        print(hits, (System.nanoTime() - start) / 1e6);
      } finally {
        library.searcherManager().release(s);
      }
      return 0;
    }
  }

  /** Paths are stored absolute: a relative prefix means one relative to the working directory. */
  private String absolutePrefix() {
    if (pathPrefix == null || Path.of(pathPrefix).isAbsolute()) return pathPrefix;
    String abs = Path.of(pathPrefix).toAbsolutePath().normalize().toString();
    return pathPrefix.endsWith("/") ? abs + "/" : abs;
  }

  private void print(List<Hit> hits, double tookMs) throws Exception {
    List<Map<String, Object>> results = new ArrayList<>();
    for (Hit h : hits) {
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("id", h.image().id());
      r.put("path", h.image().path());
      r.put("distance", h.distance());
      r.put("width", h.image().width());
      r.put("height", h.image().height());
      results.add(r);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("results", results);
    out.put("took_ms", Math.round(tookMs * 100) / 100.0);
    spec.commandLine().getOut().println(new ObjectMapper().writeValueAsString(out));
    spec.commandLine().getOut().flush();
  }
}
