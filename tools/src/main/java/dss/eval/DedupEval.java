package dss.eval;

import dss.cli.UsageError;
import dss.model.Vectors;
import dss.search.DuplicateGrouper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;

/**
 * Pairwise precision, recall and F1 of duplicate groups against labels, swept over thresholds. A
 * pair counts as predicted when both items land in the same group; as true when both carry the same
 * label. With no predicted pair, precision is 1 (nothing claimed, nothing wrong). The best
 * threshold is the middle of the run of swept thresholds that share the highest F1 (an edge of the
 * run sits on the nearest negative or positive pair).
 */
public final class DedupEval {
  private DedupEval() {}

  public record Point(
      float threshold, double precision, double recall, double f1, long predictedPairs) {}

  public record Result(int images, long truePairs, List<Point> sweep, Point best) {}

  /**
   * Groups a labelled set at one threshold: returns a group number per item (items alone get their
   * own number).
   */
  @FunctionalInterface
  public interface Grouping {
    int[] groupOf(float threshold);
  }

  /**
   * The engine's grouping rule ({@link DuplicateGrouper}) on vectors held in memory, with exact
   * neighbours in place of the HNSW query: the calibration measures the rule, not the
   * approximation.
   */
  public static Grouping exact(float[][] vectors) {
    int n = vectors.length;
    float[][] distance =
        new float[n][n]; // a labelled set is small (hundreds of images): n x n is fine here
    for (int i = 0; i < n; i++)
      for (int j = 0; j < n; j++) distance[i][j] = Vectors.distance(vectors[i], vectors[j]);
    DuplicateGrouper.Items library =
        new DuplicateGrouper.Items() {
          @Override
          public int size() {
            return n;
          }

          @Override
          public float[] vector(int item) {
            return vectors[item];
          }

          @Override
          public List<int[]> exactCopies() {
            return List.of();
          }

          @Override
          public Comparator<Integer> keeperOrder() {
            return Comparator.naturalOrder();
          }

          @Override
          public int[] neighbours(int item, float maxDistance) {
            return IntStream.range(0, n).filter(j -> distance[item][j] <= maxDistance).toArray();
          }
        };
    return threshold -> {
      int[] group = new int[n];
      Arrays.fill(group, -1);
      try {
        List<DuplicateGrouper.ItemGroup> groups = DuplicateGrouper.group(library, threshold);
        for (int g = 0; g < groups.size(); g++) for (int m : groups.get(g).members()) group[m] = g;
      } catch (IOException e) {
        throw new UncheckedIOException(e); // in-memory library: no I/O happens
      }
      int next = n;
      for (int i = 0; i < n; i++) if (group[i] < 0) group[i] = next++;
      return group;
    };
  }

  public static Result sweep(String[] labels, Grouping grouping, List<Float> thresholds) {
    if (thresholds.isEmpty()) throw new UsageError("no thresholds to sweep");
    int n = labels.length;
    long truePairs = 0;
    for (int i = 0; i < n; i++)
      for (int j = i + 1; j < n; j++) if (labels[i].equals(labels[j])) truePairs++;
    List<Point> points = new ArrayList<>();
    for (float t : thresholds) {
      int[] group = grouping.groupOf(t);
      long predicted = 0;
      long tp = 0;
      for (int i = 0; i < n; i++) {
        for (int j = i + 1; j < n; j++) {
          if (group[i] != group[j]) continue;
          predicted++;
          if (labels[i].equals(labels[j])) tp++;
        }
      }
      points.add(point(t, tp, predicted, truePairs));
    }
    return new Result(n, truePairs, points, best(points));
  }

  static Point point(float threshold, long tp, long predicted, long truePairs) {
    double precision = predicted == 0 ? 1 : (double) tp / predicted;
    double recall = truePairs == 0 ? 0 : (double) tp / truePairs;
    double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
    return new Point(threshold, precision, recall, f1, predicted);
  }

  /** Middle of the first longest run of consecutive points with the top F1. */
  static Point best(List<Point> points) {
    double top = points.stream().mapToDouble(Point::f1).max().orElseThrow();
    int bestStart = -1;
    int bestLength = 0;
    for (int i = 0; i < points.size(); ) {
      if (points.get(i).f1() != top) {
        i++;
        continue;
      }
      int j = i;
      while (j < points.size() && points.get(j).f1() == top) j++;
      if (j - i > bestLength) {
        bestStart = i;
        bestLength = j - i;
      }
      i = j;
    }
    return points.get(bestStart + (bestLength - 1) / 2);
  }

  /** How far one kind of edit moves an image: its copies' distances to their group's original. */
  public record EditDistance(String edit, int copies, double median, double max) {}

  /**
   * For a set made by {@link CopySetBuilder} ({@code GROUP__original.*}, {@code GROUP__EDIT.*}):
   * per edit, the median and largest distance from a copy to its original. Groups without an
   * original are left out.
   */
  public static List<EditDistance> editDistances(List<String> fileNames, float[][] vectors) {
    Map<String, Integer> originals = new HashMap<>();
    for (int i = 0; i < fileNames.size(); i++) {
      if (edit(fileNames.get(i)).equals("original"))
        originals.put(LabelledSet.label(fileNames.get(i)), i);
    }
    Map<String, List<Float>> byEdit = new TreeMap<>();
    for (int i = 0; i < fileNames.size(); i++) {
      String edit = edit(fileNames.get(i));
      Integer original = originals.get(LabelledSet.label(fileNames.get(i)));
      if (original == null || original == i || edit.isEmpty()) continue;
      byEdit
          .computeIfAbsent(edit, e -> new ArrayList<>())
          .add(Vectors.distance(vectors[original], vectors[i]));
    }
    List<EditDistance> out = new ArrayList<>();
    byEdit.forEach(
        (edit, d) -> {
          Collections.sort(d);
          double median =
              d.size() % 2 == 1
                  ? d.get(d.size() / 2)
                  : (d.get(d.size() / 2 - 1) + d.get(d.size() / 2)) / 2.0;
          out.add(new EditDistance(edit, d.size(), median, d.get(d.size() - 1)));
        });
    return out;
  }

  /** The edit named in {@code GROUP__EDIT.ext}, or "" without {@code __}. */
  static String edit(String fileName) {
    int cut = fileName.indexOf(LabelledSet.SEPARATOR);
    if (cut <= 0) return "";
    String rest = fileName.substring(cut + LabelledSet.SEPARATOR.length());
    int dot = rest.lastIndexOf('.');
    return dot > 0 ? rest.substring(0, dot) : rest;
  }

  /**
   * {@code from}, {@code from + step}, ... up to {@code to} inclusive (rounded to avoid float
   * drift).
   */
  public static List<Float> range(float from, float to, float step) {
    if (!(step > 0) || to < from)
      throw new UsageError("bad sweep: from " + from + " to " + to + " step " + step);
    List<Float> out = new ArrayList<>();
    long count = Math.round(Math.floor((to - from) / step + 1e-6)) + 1;
    for (long i = 0; i < count; i++) out.add((float) (Math.round((from + i * step) * 1e6) / 1e6));
    return out;
  }
}
