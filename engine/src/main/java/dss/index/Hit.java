package dss.index;

/** A search result: the image and its DreamSim distance (1 - cosine) to the query. */
public record Hit(ImageRecord image, float distance) {
  /**
   * The DreamSim distance of a dot-product similarity score as Lucene and Solr report it: score =
   * (1 + cos) / 2, so 1 - cos = 2 (1 - score); never below 0 (rounding can put an image -1e-7 from
   * itself).
   */
  public static float distanceOfScore(float score) {
    return Math.max(0f, 2f * (1f - score));
  }
}
