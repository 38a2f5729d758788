package dss.eval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Query-by-example quality on a labelled set: each item with at least one same-label partner
 * queries all the others (itself excluded). Average precision is the mean, over the partners, of
 * the precision at each partner's rank; mAP is its mean over queries. recall@k is the share of a
 * query's partners found in its first k results, averaged over queries.
 */
public final class RetrievalEval {
  private RetrievalEval() {}

  public record Result(
      int images, int queries, double meanAveragePrecision, Map<Integer, Double> recallAtK) {}

  /** Ranks the other items for a query, nearest first (must not include the query itself). */
  @FunctionalInterface
  public interface Ranker {
    int[] rank(int query);
  }

  public static Result evaluate(String[] labels, Ranker ranker, int[] ks) {
    int n = labels.length;
    double apSum = 0;
    double[] recallSum = new double[ks.length];
    int queries = 0;
    for (int q = 0; q < n; q++) {
      int partners = 0;
      for (int i = 0; i < n; i++) if (i != q && labels[i].equals(labels[q])) partners++;
      if (partners == 0) continue;
      queries++;
      int[] ranked = ranker.rank(q);
      List<Integer> hitRanks = new ArrayList<>(); // 1-based ranks of partners
      for (int r = 0; r < ranked.length; r++) {
        if (ranked[r] == q)
          throw new IllegalStateException("a ranking must not contain its query " + q);
        if (labels[ranked[r]].equals(labels[q])) hitRanks.add(r + 1);
      }
      apSum += averagePrecision(hitRanks, partners);
      for (int k = 0; k < ks.length; k++) {
        int kk = ks[k];
        recallSum[k] += (double) hitRanks.stream().filter(r -> r <= kk).count() / partners;
      }
    }
    Map<Integer, Double> recall = new LinkedHashMap<>();
    for (int k = 0; k < ks.length; k++)
      recall.put(ks[k], queries == 0 ? 0 : recallSum[k] / queries);
    return new Result(n, queries, queries == 0 ? 0 : apSum / queries, recall);
  }

  /**
   * Mean over all partners of precision at the partner's rank; a partner never retrieved
   * contributes 0.
   */
  static double averagePrecision(List<Integer> hitRanks, int partners) {
    double sum = 0;
    for (int i = 0; i < hitRanks.size(); i++) sum += (double) (i + 1) / hitRanks.get(i);
    return sum / partners;
  }
}
