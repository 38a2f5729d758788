package dss.index.lucene;

import dss.index.KnnQuery;
import java.io.IOException;
import java.util.Objects;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.AcceptDocs;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.PrefixQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.RescoreTopNQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.knn.KnnCollectorManager;
import org.apache.lucene.util.Bits;

/**
 * Lucene's k-NN query, with one change: in a segment where at most {@code exactLimit} documents can
 * match (all of a small segment, or the documents a filter keeps), it scores every one of them (the
 * vectors format's own exhaustive scan: SIMD dot products in bulk over the stored vectors) instead
 * of walking the graph: on so few documents that is about as fast, and it finds the true nearest.
 * Everything else is Lucene's: the filter is applied as Lucene applies it, and a segment with more
 * matches gets the graph search, with Lucene's own fallback to exact search when a restrictive
 * filter makes the graph walk visit more nodes than the filter keeps. (Lucene itself already scans
 * a segment whose matches number at most ln(n) x the candidates, n its vectors.)
 *
 * <p>{@link LuceneSnapshot} builds it for every k-NN query; public for the benchmarks, which
 * compare both paths.
 */
public final class GraphOrExactQuery extends KnnFloatVectorQuery {
  /**
   * A segment in which at most this many times the candidates can match (all its documents, or
   * those a path prefix keeps) is searched exactly. Measured with {@code bench ann --crossover}
   * (docs/benchmarks.md): scanning n vectors costs about as much as the graph collecting c
   * candidates up to n of about 5-10 c, and 3-15x more beyond.
   */
  public static final int EXACT_PER_CANDIDATE = 10;

  /** The vector field of an index built by {@link LuceneIndex}. */
  public static final String FIELD = IndexSchema.VECTOR;

  private final int exactLimit;

  /**
   * The query every k-NN search of {@link LuceneSnapshot} runs: exact in segments where at most
   * {@link #EXACT_PER_CANDIDATE} x {@code candidates} documents match, else the graph collecting
   * {@code collect}.
   */
  public static GraphOrExactQuery of(float[] target, int collect, int candidates, Query filter) {
    return new GraphOrExactQuery(
        FIELD,
        target,
        collect,
        filter,
        (int) Math.min(Integer.MAX_VALUE, (long) EXACT_PER_CANDIDATE * candidates));
  }

  /**
   * The whole vector query of a {@link KnnQuery} for its k results (what {@link LuceneSnapshot#knn}
   * runs, minus reading the records) in a library of {@code vectors}: see {@link #forKnn(KnnQuery,
   * int, long, boolean)}.
   */
  public static Query forKnn(KnnQuery q, long vectors, boolean quantized) {
    return forKnn(q, q.k(), vectors, quantized);
  }

  /**
   * The vector query of a {@link KnnQuery} returning its {@code n} nearest in a library of {@code
   * vectors} (which sets the default candidates): the path prefix as pre-filter, at least {@code n}
   * candidates collected; with quantized vectors {@value LuceneSnapshot#QUANTIZED_OVERSAMPLE} x the
   * candidates collected and rescored at full precision.
   */
  public static Query forKnn(KnnQuery q, int n, long vectors, boolean quantized) {
    Query filter = q.pathPrefix() == null ? null : pathPrefix(q.pathPrefix());
    int candidates = Math.max(n, q.candidatesFor(vectors));
    int collect = candidates * (quantized ? LuceneSnapshot.QUANTIZED_OVERSAMPLE : 1);
    Query query = of(q.unitVector(), collect, candidates, filter);
    return quantized
        ? RescoreTopNQuery.createFullPrecisionRescorerQuery(query, q.unitVector(), FIELD, n)
        : query;
  }

  /** The path-prefix pre-filter of a {@link LuceneIndex}. */
  public static Query pathPrefix(String prefix) {
    return new PrefixQuery(new Term(IndexSchema.PATH, prefix));
  }

  /**
   * @param collect the candidates to collect (Lucene's k)
   * @param filter null or a pre-filter
   * @param exactLimit score every matching document of a segment when it has at most this many
   */
  public GraphOrExactQuery(
      String field, float[] target, int collect, Query filter, int exactLimit) {
    super(field, target, collect, filter);
    this.exactLimit = exactLimit;
  }

  @Override
  protected TopDocs approximateSearch(
      LeafReaderContext context,
      AcceptDocs acceptDocs,
      int visitedLimit,
      KnnCollectorManager manager)
      throws IOException {
    if (acceptDocs.cost() <= exactLimit) acceptDocs = new ScanAll(acceptDocs);
    return super.approximateSearch(context, acceptDocs, visitedLimit, manager);
  }

  /**
   * The same accepted documents, reported as fewer than the graph would visit: the vectors format
   * then scores every accepted vector in bulk (its exhaustive branch, taken when the accepted
   * documents number at most ln(n) x k) instead of walking the graph. Measured faster than Lucene's
   * query-level exact search ({@code exactSearch}, one document at a time). Should a future format
   * ignore the count, the result is the graph search: never wrong, only approximate.
   */
  private static final class ScanAll extends AcceptDocs {
    private final AcceptDocs in;

    ScanAll(AcceptDocs in) {
      this.in = in;
    }

    @Override
    public Bits bits() throws IOException {
      return in.bits();
    }

    @Override
    public DocIdSetIterator iterator() throws IOException {
      return in.iterator();
    }

    @Override
    public int cost() {
      return 1;
    }
  }

  @Override
  public boolean equals(Object o) {
    return super.equals(o) && ((GraphOrExactQuery) o).exactLimit == exactLimit;
  }

  @Override
  public int hashCode() {
    return Objects.hash(super.hashCode(), exactLimit);
  }

  @Override
  public String toString(String field) {
    return super.toString(field) + "[exact<=" + exactLimit + "]";
  }
}
