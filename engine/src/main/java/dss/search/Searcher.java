package dss.search;

import dss.index.ImageRecord;
import dss.index.IndexSchema;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.lucene.codecs.lucene104.Lucene104HnswScalarQuantizedVectorsFormat;
import org.apache.lucene.codecs.perfield.PerFieldKnnVectorsFormat;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.KnnVectorValues;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.PrefixQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.RescoreTopNQuery;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;

/**
 * Queries over one point-in-time view of the index (wrap a searcher acquired from a SearcherManager).
 *
 * <p>Distances are DreamSim distances, {@code 1 - cosine}, in [0, 2]. Lucene's DOT_PRODUCT score is
 * {@code (1 + dot) / 2}, so {@code distance = 2 * (1 - score)}.
 */
public final class Searcher {
  /**
   * Candidates the HNSW search collects before the top k are kept (Lucene's k plays the part of hnswlib's ef):
   * more candidates, better recall, slower queries. With quantization these candidates are rescored at full
   * precision.
   */
  public static final int DEFAULT_CANDIDATES = 100;

  /**
   * With quantized vectors the graph collects this many times more candidates, all rescored at full precision:
   * 1-bit scores are coarse (recall@10 0.88 with 100 candidates, 0.97 with 300 on 1792-d clustered vectors), and
   * rescoring a few hundred vectors costs microseconds.
   */
  public static final int QUANTIZED_OVERSAMPLE = 3;

  private final IndexSearcher searcher;

  public Searcher(IndexSearcher searcher) {
    this.searcher = searcher;
  }

  /**
   * Nearest first. {@code maxDistance} and {@code pathPrefix} may be null; with quantization the top candidates
   * are rescored at full precision.
   */
  public List<Hit> knn(float[] unitQuery, int k, Float maxDistance, String pathPrefix) throws IOException {
    return knn(unitQuery, k, maxDistance, pathPrefix, DEFAULT_CANDIDATES);
  }

  /**
   * As {@link #knn(float[], int, Float, String)} with {@code candidates} collected by the graph search (at least
   * k; times {@link #QUANTIZED_OVERSAMPLE} when quantized). The path prefix is a pre-filter inside the KNN query (Lucene switches to exact search when it is selective),
   * so k results come back whenever k documents match it.
   */
  public List<Hit> knn(float[] unitQuery, int k, Float maxDistance, String pathPrefix, int candidates)
      throws IOException {
    TopDocs top = nearest(unitQuery, k, pathPrefix, candidates);
    List<Hit> hits = new ArrayList<>(top.scoreDocs.length);
    var stored = searcher.storedFields();
    for (ScoreDoc sd : top.scoreDocs) {
      float distance = distance(sd.score);
      if (maxDistance != null && distance > maxDistance) break; // nearest first: the rest are farther
      hits.add(new Hit(IndexSchema.toRecord(stored, sd.doc), distance));
    }
    return hits;
  }

  /**
   * The vector search alone: the k nearest documents with Lucene scores (see {@link #distance(float)}), without
   * loading their records.
   */
  public TopDocs nearest(float[] unitQuery, int k, String pathPrefix, int candidates) throws IOException {
    if (k <= 0) throw new IllegalArgumentException("k must be positive, got " + k);
    Query filter = pathPrefix == null || pathPrefix.isEmpty()
        ? null : new PrefixQuery(new Term(IndexSchema.PATH, pathPrefix));
    boolean quantized = quantized();
    int collect = Math.max(k, candidates) * (quantized ? QUANTIZED_OVERSAMPLE : 1);
    Query query = new KnnFloatVectorQuery(IndexSchema.VECTOR, unitQuery, collect, filter);
    if (quantized) query = RescoreTopNQuery.createFullPrecisionRescorerQuery(query, unitQuery, IndexSchema.VECTOR, k);
    return searcher.search(query, k);
  }

  /** DreamSim distance from a DOT_PRODUCT score: score = (1 + cos) / 2, so 1 - cos = 2 * (1 - score). */
  public static float distance(float score) {
    return Math.max(0f, 2f * (1f - score));
  }

  public Optional<ImageRecord> get(String id) throws IOException {
    int doc = docOf(new Term(IndexSchema.ID, id));
    return doc < 0 ? Optional.empty() : Optional.of(IndexSchema.toRecord(searcher.storedFields(), doc));
  }

  /** Some indexed image with this content hash (a copy or the same file under another name), if any. */
  public Optional<ImageRecord> firstWithHash(String sha256) throws IOException {
    int doc = docOf(new Term(IndexSchema.HASH, sha256));
    return doc < 0 ? Optional.empty() : Optional.of(IndexSchema.toRecord(searcher.storedFields(), doc));
  }

  /** The stored vector of an indexed image, read back from the vector field (full precision even when quantized). */
  public Optional<float[]> vector(String id) throws IOException {
    int doc = docOf(new Term(IndexSchema.ID, id));
    if (doc < 0) return Optional.empty();
    var leaves = searcher.getIndexReader().leaves();
    LeafReaderContext leaf = leaves.get(ReaderUtil.subIndex(doc, leaves));
    FloatVectorValues values = leaf.reader().getFloatVectorValues(IndexSchema.VECTOR);
    if (values == null) return Optional.empty();
    KnnVectorValues.DocIndexIterator it = values.iterator();
    int local = doc - leaf.docBase;
    if (it.advance(local) != local) return Optional.empty();
    return Optional.of(values.vectorValue(it.index()).clone());
  }

  public int count() {
    return searcher.getIndexReader().numDocs();
  }

  public IndexSearcher indexSearcher() {
    return searcher;
  }

  private int docOf(Term term) throws IOException {
    TopDocs top = searcher.search(new TermQuery(term), 1);
    return top.scoreDocs.length == 0 ? -1 : top.scoreDocs[0].doc;
  }

  /** Whether the vectors are scalar-quantized (then the graph's scores are approximate and we rescore). */
  private boolean quantized() {
    for (LeafReaderContext leaf : searcher.getIndexReader().leaves()) {
      FieldInfo field = leaf.reader().getFieldInfos().fieldInfo(IndexSchema.VECTOR);
      if (field != null) {
        String format = field.getAttribute(PerFieldKnnVectorsFormat.PER_FIELD_FORMAT_KEY);
        if (Lucene104HnswScalarQuantizedVectorsFormat.NAME.equals(format)) return true;
      }
    }
    return false;
  }
}
