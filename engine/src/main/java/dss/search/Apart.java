package dss.search;

/**
 * Pairs of images a person has said are not duplicates ({@link dss.review.Dismissals}): the
 * duplicate grouping never puts two of them in one group. {@link #version()} changes whenever the
 * pairs do (cached groups are recomputed).
 */
public interface Apart {
  /** No pairs. */
  Apart NONE =
      new Apart() {
        @Override
        public boolean apart(String a, String b) {
          return false;
        }

        @Override
        public boolean involves(String id) {
          return false;
        }

        @Override
        public long version() {
          return 0;
        }
      };

  /** Whether the images with ids {@code a} and {@code b} were dismissed together. */
  boolean apart(String a, String b);

  /** Whether the image with this id is in any dismissal (a fast test before pairs). */
  boolean involves(String id);

  long version();
}
