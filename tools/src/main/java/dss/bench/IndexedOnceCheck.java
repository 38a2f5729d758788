package dss.bench;

import dss.cli.JsonOut;
import dss.index.ImageIndex;
import dss.index.ImageRecord;
import dss.index.lucene.LuceneIndex;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Whether an index holds every image file under a folder exactly once: after an indexing run that
 * was killed and resumed, nothing lost and nothing twice. Reads the latest commit's live documents
 * and compares their paths and ids with a fresh walk of the folder.
 */
@Command(
    name = "indexed-once",
    header = "Check that an index holds every image under DIR exactly once.",
    description = {
      "Compare the live documents of the index (latest commit) with the image files under DIR: one",
      "document per file, none twice (by id or by path), each id the one of its path, none for a file",
      "that is not there. Prints {\"files\", \"documents\", \"distinct_ids\", \"distinct_paths\",",
      "\"missing\", \"extra\", \"duplicate_ids\", \"duplicate_paths\", \"wrong_ids\", \"exactly_once\",",
      "\"examples\"}; exit 1 unless exactly once."
    })
public final class IndexedOnceCheck implements Callable<Integer> {
  @Parameters(paramLabel = "DIR")
  Path library;

  @Option(names = "--index", required = true, paramLabel = "DIR", description = "The index.")
  Path index;

  @Override
  public Integer call() throws Exception {
    Set<String> files = new HashSet<>();
    for (Path file : IndexingBench.imageFiles(library, "indexed-once")) files.add(file.toString());
    Map<String, Integer> byPath = new HashMap<>();
    Map<String, Integer> byId = new HashMap<>();
    long documents = 0;
    long wrongIds = 0;
    Map<String, String> examples = new LinkedHashMap<>();
    try (ImageIndex read = LuceneIndex.openReadOnly(index);
        ImageIndex.Snapshot snapshot = read.snapshot()) {
      for (int item = 0; item < snapshot.items(); item++) {
        if (!snapshot.live(item)) continue;
        ImageRecord r = snapshot.record(item);
        documents++;
        byPath.merge(r.path(), 1, Integer::sum);
        byId.merge(r.id(), 1, Integer::sum);
        if (!r.id().equals(ImageRecord.idFor(r.path()))) {
          wrongIds++;
          examples.putIfAbsent("wrong_id", r.path());
        }
      }
    }
    long duplicatePaths = byPath.values().stream().filter(c -> c > 1).count();
    long duplicateIds = byId.values().stream().filter(c -> c > 1).count();
    long missing = files.stream().filter(f -> !byPath.containsKey(f)).count();
    long extra = byPath.keySet().stream().filter(p -> !files.contains(p)).count();
    files.stream()
        .filter(f -> !byPath.containsKey(f))
        .findFirst()
        .ifPresent(f -> examples.put("missing", f));
    byPath.entrySet().stream()
        .filter(e -> e.getValue() > 1)
        .findFirst()
        .ifPresent(e -> examples.put("duplicate_path", e.getKey()));
    boolean once =
        documents == files.size()
            && missing == 0
            && extra == 0
            && duplicatePaths == 0
            && duplicateIds == 0
            && wrongIds == 0;
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("files", files.size());
    out.put("documents", documents);
    out.put("distinct_ids", byId.size());
    out.put("distinct_paths", byPath.size());
    out.put("missing", missing);
    out.put("extra", extra);
    out.put("duplicate_ids", duplicateIds);
    out.put("duplicate_paths", duplicatePaths);
    out.put("wrong_ids", wrongIds);
    out.put("exactly_once", once);
    out.put("examples", examples);
    System.out.println(JsonOut.line(out));
    return once ? 0 : 1;
  }
}
