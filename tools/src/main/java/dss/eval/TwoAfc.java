package dss.eval;

import dss.cli.UsageError;
import dss.model.Vectors;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Two-alternative forced choice (2AFC) agreement with human judgments on the NIGHTS layout, scored
 * exactly as DreamSim's own evaluation ({@code dataset/dataset.py} and {@code evaluation/score.py}
 * of ssundaram21/dreamsim):
 *
 * <ul>
 *   <li>{@code DIR/data.csv} has the columns {@code
 *       id,left_vote,right_vote,votes,ref_path,left_path,right_path,split, is_imagenet,prompt};
 *       image paths are relative to DIR;
 *   <li>only rows with {@code votes >= 6} count, then the split filter: {@code train}, {@code val},
 *       {@code test}, {@code test_imagenet} (test rows with is_imagenet True) or {@code
 *       test_no_imagenet};
 *   <li>d0 = distance(ref, left), d1 = distance(ref, right), t = right_vote as stored (DreamSim
 *       reads it as a float and uses it unchanged: the share of raters who chose the right image,
 *       in [0, 1]);
 *   <li>row score (d0 &lt; d1)(1 - t) + (d1 &lt; d0) t + 0.5 (d0 == d1); accuracy = mean row score.
 * </ul>
 *
 * A right_vote outside [0, 1] is refused (DreamSim would silently produce scores outside [0, 1]).
 */
public final class TwoAfc {
  public static final Set<String> SPLITS =
      Set.of("train", "val", "test", "test_imagenet", "test_no_imagenet");
  static final int MIN_VOTES = 6;

  private TwoAfc() {}

  /**
   * One judged triplet: which of left/right people found closer to ref ({@code rightVote} = share
   * for right).
   */
  public record Triplet(String id, Path ref, Path left, Path right, double rightVote) {}

  /** The accuracy over {@code n} triplets. */
  public record Result(String split, double accuracy, int n) {}

  /**
   * Reads DIR/data.csv and keeps the rows DreamSim scores for {@code split}. Errors name the file,
   * row and field.
   */
  public static List<Triplet> load(Path dataset, String split) throws IOException {
    if (!SPLITS.contains(split)) {
      throw new UsageError(
          "unknown split '" + split + "' (one of " + String.join(", ", sortedSplits()) + ")");
    }
    Path csv = dataset.resolve("data.csv");
    if (!Files.isRegularFile(csv))
      throw new IOException(csv + ": not found (the NIGHTS layout has DIR/data.csv)");
    List<List<String>> rows;
    // RFC 4180 (commons-csv): NIGHTS prompts hold commas, quotes and line breaks inside quoted
    // fields
    try (BufferedReader in = Files.newBufferedReader(csv, StandardCharsets.UTF_8);
        CSVParser parser = CSVFormat.RFC4180.parse(in)) {
      rows = parser.stream().map(CSVRecord::toList).toList();
    } catch (java.io.UncheckedIOException e) {
      throw new IOException(csv + ": not valid CSV (" + e.getCause().getMessage() + ")", e);
    }
    if (rows.isEmpty()) throw new IOException(csv + ": empty");
    Map<String, Integer> col = new HashMap<>();
    for (int i = 0; i < rows.get(0).size(); i++) col.put(rows.get(0).get(i).strip(), i);
    for (String need :
        List.of(
            "id",
            "right_vote",
            "votes",
            "ref_path",
            "left_path",
            "right_path",
            "split",
            "is_imagenet")) {
      if (!col.containsKey(need)) throw new IOException(csv + ": missing column '" + need + "'");
    }
    List<Triplet> out = new ArrayList<>();
    for (int r = 1; r < rows.size(); r++) {
      List<String> row = rows.get(r);
      String where = csv + " line " + (r + 1);
      if (row.size() < rows.get(0).size())
        throw new IOException(
            where + ": " + row.size() + " fields, expected " + rows.get(0).size());
      double votes = number(row.get(col.get("votes")), where, "votes");
      if (votes < MIN_VOTES) continue;
      String rowSplit = row.get(col.get("split")).strip();
      boolean imagenet = Boolean.parseBoolean(row.get(col.get("is_imagenet")).strip());
      boolean keep =
          switch (split) {
            case "test_imagenet" -> rowSplit.equals("test") && imagenet;
            case "test_no_imagenet" -> rowSplit.equals("test") && !imagenet;
            default -> rowSplit.equals(split);
          };
      if (!keep) continue;
      double t = number(row.get(col.get("right_vote")), where, "right_vote");
      if (t < 0 || t > 1)
        throw new IOException(where + ": right_vote " + t + " is not a share in [0, 1]");
      out.add(
          new Triplet(
              row.get(col.get("id")).strip(),
              dataset.resolve(row.get(col.get("ref_path")).strip()),
              dataset.resolve(row.get(col.get("left_path")).strip()),
              dataset.resolve(row.get(col.get("right_path")).strip()),
              t));
    }
    return out;
  }

  /** DreamSim's row score: 1 - t when left is closer, t when right is closer, 0.5 on a tie. */
  public static double score(float d0, float d1, double t) {
    return (d0 < d1 ? 1 - t : 0) + (d1 < d0 ? t : 0) + (d0 == d1 ? 0.5 : 0);
  }

  /**
   * Mean score over triplets whose three images all have vectors (missing ones were reported by the
   * caller).
   */
  public static Result accuracy(String split, List<Triplet> triplets, Map<Path, float[]> vectors) {
    double sum = 0;
    int n = 0;
    for (Triplet x : triplets) {
      float[] ref = vectors.get(x.ref());
      float[] left = vectors.get(x.left());
      float[] right = vectors.get(x.right());
      if (ref == null || left == null || right == null) continue;
      sum += score(Vectors.distance(ref, left), Vectors.distance(ref, right), x.rightVote());
      n++;
    }
    return new Result(split, n == 0 ? 0 : sum / n, n);
  }

  private static List<String> sortedSplits() {
    return SPLITS.stream().sorted().toList();
  }

  private static double number(String text, String where, String field) throws IOException {
    try {
      return Double.parseDouble(text.strip());
    } catch (NumberFormatException e) {
      throw new IOException(where + ": " + field + " '" + text + "' is not a number");
    }
  }
}
