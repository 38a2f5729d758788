package dss.model;

/**
 * One backbone's part of an ensemble embedding: dimensions {@code [from, to)} of the vector come
 * from the backbone {@code name} (e.g. {@code dino_vitb16}); {@code about} says in one plain
 * sentence what it tends to capture. Written by the export into the model manifest ({@link
 * ModelManifest#branches()}).
 */
public record Branch(String name, int from, int to, String about) {
  /**
   * Throws a clear error unless this is a non-empty range inside a vector of {@code dimensions} (0:
   * unknown).
   */
  void check(int dimensions, String where) throws ModelException {
    if (name == null || name.isBlank()) throw new ModelException(where + ": a branch has no name");
    if (from < 0 || to <= from || (dimensions > 0 && to > dimensions)) {
      throw new ModelException(
          where
              + ": branch '"
              + name
              + "' covers ["
              + from
              + ", "
              + to
              + "), not a non-empty range within the "
              + (dimensions > 0 ? dimensions + " " : "")
              + "dimensions");
    }
  }
}
