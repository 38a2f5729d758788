package dss.cli;

import dss.index.Hit;
import dss.index.ImageIndex;
import dss.index.IndexConfig;
import dss.model.ModelInfo;
import dss.search.DuplicateFinder;
import dss.search.DuplicateGroup;
import dss.search.SimilaritySearch;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code dreamsim dedup}: every group of near-duplicates in an index, with a suggested keeper. */
@Command(
    name = "dedup",
    footer = {
      "",
      "Examples:",
      "  dreamsim dedup > groups.json",
      "  dreamsim dedup --threshold 0.05 --format csv --out duplicates.csv",
      "  dreamsim dedup --merge   (one segment first: the fast graph walk on a large index)",
      "  dreamsim dedup --candidates 1000   (a search per image instead of the graph's links)"
    },
    header = "Find the groups of near-duplicate images in an index.",
    sortOptions = false,
    description = {
      "Find all groups of near-duplicate images in an index. In a group every member is within the threshold of",
      "every other (no chaining); byte-identical files are always grouped. The keeper is the largest pixel count,",
      "then the largest file, then the oldest; members list their distance to it. Images marked \"not duplicates\"",
      "together through the server (dismissals.jsonl beside the index) are never in one group.",
      "JSON: {\"threshold\", \"groups\": [{\"keeper\", \"members\": [{\"id\", \"path\", \"distance\", \"width\", \"height\",",
      "\"bytes\"}]}], \"images\", \"seconds\"}. CSV: one row per member with its group number."
    })
final class DedupCommand implements Callable<Integer> {
  enum Format {
    json,
    csv
  }

  @Mixin IndexOptions indexOptions;

  @Option(
      names = "--threshold",
      paramLabel = "D",
      description =
          "DreamSim distance (1 - cosine, 0..2) within which images are duplicates. Default: "
              + "${DEFAULT-VALUE} (calibrated with 'eval dedup' for the test model; re-calibrate for yours).")
  float threshold = DuplicateFinder.DEFAULT_THRESHOLD;

  @Option(
      names = "--format",
      defaultValue = "json",
      description = "json or csv. Default: ${DEFAULT-VALUE}.")
  Format format;

  @Option(
      names = "--out",
      paramLabel = "FILE",
      description = "Write the result to FILE instead of stdout.")
  Path out;

  @Option(
      names = "--candidates",
      paramLabel = "N",
      description =
          "Search each image's neighbours, collecting N "
              + "candidates (32..10000; more: fewer missed pairs, slower). Default: no search, the neighbours are read from "
              + "the index's graph (one segment; an index of several is searched with the search default).")
  Integer candidates;

  @Option(
      names = "--merge",
      description =
          "Merge the index into one segment first (needs write access; may take "
              + "minutes on a large index, once): the neighbours are then read from one graph instead of searched.")
  boolean merge;

  @Spec CommandSpec spec;

  record Member(String id, String path, float distance, int width, int height, long bytes) {}

  record Group(String keeper, List<Member> members) {}

  record Output(float threshold, List<Group> groups, int images, double seconds) {}

  @Override
  public Integer call() throws IOException {
    if (!(threshold >= 0 && threshold <= 2)) {
      throw new UsageError("--threshold must be a DreamSim distance in [0, 2], got " + threshold);
    }
    int perQuery = candidates();
    long start = System.nanoTime();
    if (merge) {
      ModelInfo model;
      try (ImageIndex existing = indexOptions.openReadOnly()) { // no index: the error says so
        model = existing.metadata().model();
      }
      spec.commandLine().getErr().println("dedup: merging the index into one segment...");
      try (ImageIndex writable =
          indexOptions
              .provider()
              .openWritable(
                  indexOptions.location(), model, IndexConfig.DEFAULT, indexOptions.layout())) {
        writable.optimize();
      }
    }
    Output result;
    try (ImageIndex index = indexOptions.openReadOnly()) {
      SimilaritySearch search = new SimilaritySearch(index, null);
      // the server's "not duplicates" decisions, kept beside the index (none: the file is absent)
      search.keepApart(
          dss.review.Dismissals.open(indexOptions.dir().resolve(dss.review.Dismissals.FILE_NAME)));
      List<DuplicateGroup> groups = search.duplicateGroups(threshold, perQuery);
      result =
          new Output(
              threshold,
              groups.stream().map(DedupCommand::group).toList(),
              (int) index.count(),
              (System.nanoTime() - start) / 1e9);
    }
    String text = format == Format.json ? JsonOut.line(result) : csv(result);
    if (out != null) {
      Files.writeString(out, text.endsWith("\n") ? text : text + "\n", StandardCharsets.UTF_8);
      spec.commandLine()
          .getErr()
          .printf(
              Locale.ROOT,
              "dedup: %d groups among %d images written to %s%n",
              result.groups().size(),
              result.images(),
              out);
    } else {
      PrintWriter stdout = spec.commandLine().getOut();
      stdout.print(text.endsWith("\n") ? text : text + "\n");
      stdout.flush();
    }
    return 0;
  }

  /** {@code --candidates} validated: 32..10000; 0 (the default formula) when absent. */
  int candidates() {
    if (candidates == null) return 0;
    return SearchCommand.candidates(
        candidates, DuplicateFinder.FIRST_NEIGHBOURS, "the neighbours fetched");
  }

  private static Group group(DuplicateGroup g) {
    return new Group(g.keeper().id(), g.members().stream().map(DedupCommand::member).toList());
  }

  private static Member member(Hit h) {
    var r = h.image();
    return new Member(r.id(), r.path(), h.distance(), r.width(), r.height(), r.size());
  }

  /**
   * One row per member: group number (1-based, largest group first), keeper flag, then the member's
   * fields.
   */
  static String csv(Output result) throws IOException {
    StringBuilder out = new StringBuilder();
    // RFC 4180 with \n line ends; paths holding commas, quotes or line breaks are quoted by
    // commons-csv
    CSVFormat format =
        CSVFormat.RFC4180
            .builder()
            .setRecordSeparator('\n')
            .setHeader("group", "keeper", "id", "path", "distance", "width", "height", "bytes")
            .get();
    try (CSVPrinter printer = new CSVPrinter(out, format)) {
      for (int g = 0; g < result.groups().size(); g++) {
        Group group = result.groups().get(g);
        for (Member m : group.members()) {
          printer.printRecord(
              g + 1,
              m.id().equals(group.keeper()),
              m.id(),
              m.path(),
              m.distance(),
              m.width(),
              m.height(),
              m.bytes());
        }
      }
    }
    return out.toString();
  }
}
