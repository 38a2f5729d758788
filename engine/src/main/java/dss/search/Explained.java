package dss.search;

import dss.model.Branch;
import dss.model.Vectors;
import java.util.ArrayList;
import java.util.List;

/**
 * A DreamSim distance and, for an ensemble whose manifest records its layout, the distance within
 * each backbone's slice of the two vectors: {@code 1 - cosine(a[from, to), b[from, to))}. The
 * slices are not unit vectors, so each is normalised on its own: a branch distance is on its own
 * scale, not a share of the total (the total is {@code 1 - dot} of the whole unit vectors, in which
 * a slice weighs by its squared length).
 *
 * @param branches empty when the model has no layout
 */
public record Explained(float distance, List<BranchDistance> branches) {
  /** One backbone's distance; {@code about} says what it tends to capture. */
  public record BranchDistance(String name, String about, int from, int to, float distance) {}

  /** The total and per-branch distances of two unit vectors under {@code layout}. */
  public static Explained of(float[] a, float[] b, List<Branch> layout) {
    List<BranchDistance> parts = new ArrayList<>(layout.size());
    for (Branch branch : layout) {
      parts.add(
          new BranchDistance(
              branch.name(),
              branch.about(),
              branch.from(),
              branch.to(),
              sliceDistance(a, b, branch.from(), branch.to())));
    }
    return new Explained(Vectors.distance(a, b), List.copyOf(parts));
  }

  /**
   * 1 - cosine of {@code a[from, to)} and {@code b[from, to)}, in [0, 2]; 1 when either slice is
   * all zeros.
   */
  static float sliceDistance(float[] a, float[] b, int from, int to) {
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int i = from; i < to; i++) {
      dot += (double) a[i] * b[i];
      na += (double) a[i] * a[i];
      nb += (double) b[i] * b[i];
    }
    if (na == 0 || nb == 0) return 1f;
    return (float) Math.min(2, Math.max(0, 1 - dot / Math.sqrt(na * nb)));
  }
}
