package dss.search;

import dss.index.ImageRecord;
import dss.index.IndexSchema;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import org.apache.lucene.document.Document;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.KnnVectorValues;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.MultiTerms;
import org.apache.lucene.index.PostingsEnum;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.BytesRef;

/**
 * A Lucene index seen by {@link DuplicateGrouper}: items are global doc ids (deleted documents have no neighbours
 * and no copies, so they never join a group). Memory: three longs per document for the keeper order; vectors stay
 * in the index files and are read on demand.
 */
final class IndexedLibrary implements DuplicateGrouper.Library {
  /** Neighbours fetched by the first query of a document; more (x4, up to {@link #MAX_K}) while all are within reach. */
  static final int FIRST_K = 32;
  static final int MAX_K = 2048;

  /**
   * Slack added to the threshold when picking candidates from the graph's scores: those scores are approximate
   * with a quantized index. Every candidate is checked again at full precision by the grouping.
   */
  static final float CANDIDATE_SLACK = 0.05f;

  private final IndexSearcher searcher;
  private final List<LeafReaderContext> leaves;
  private final long[] pixels;
  private final long[] bytes;
  private final long[] mtime;
  private final ThreadLocal<FloatVectorValues[]> vectors;

  IndexedLibrary(IndexSearcher searcher) throws IOException {
    this.searcher = searcher;
    IndexReader reader = searcher.getIndexReader();
    this.leaves = reader.leaves();
    int n = reader.maxDoc();
    pixels = new long[n];
    bytes = new long[n];
    mtime = new long[n];
    StoredFields stored = reader.storedFields();
    Set<String> fields = Set.of(IndexSchema.WIDTH, IndexSchema.HEIGHT, IndexSchema.SIZE, IndexSchema.MTIME);
    for (LeafReaderContext leaf : leaves) {
      Bits live = leaf.reader().getLiveDocs();
      for (int d = 0; d < leaf.reader().maxDoc(); d++) {
        if (live != null && !live.get(d)) continue;
        int doc = leaf.docBase + d;
        Document document = stored.document(doc, fields);
        pixels[doc] = document.getField(IndexSchema.WIDTH).numericValue().longValue()
            * document.getField(IndexSchema.HEIGHT).numericValue().longValue();
        bytes[doc] = document.getField(IndexSchema.SIZE).numericValue().longValue();
        mtime[doc] = document.getField(IndexSchema.MTIME).numericValue().longValue();
      }
    }
    vectors = ThreadLocal.withInitial(() -> new FloatVectorValues[leaves.size()]);
  }

  @Override public int size() {
    return pixels.length;
  }

  ImageRecord record(int doc) throws IOException {
    return IndexSchema.toRecord(searcher.storedFields(), doc);
  }

  @Override public float[] vector(int doc) throws IOException {
    int leafIndex = ReaderUtil.subIndex(doc, leaves);
    LeafReaderContext leaf = leaves.get(leafIndex);
    FloatVectorValues[] mine = vectors.get(); // vector values are not thread-safe: one instance per thread and leaf
    if (mine[leafIndex] == null) mine[leafIndex] = leaf.reader().getFloatVectorValues(IndexSchema.VECTOR);
    FloatVectorValues values = mine[leafIndex];
    if (values == null) throw new IOException("document " + doc + " has no vector");
    int local = doc - leaf.docBase;
    int ord = local;
    if (values.size() != leaf.reader().maxDoc()) { // sparse: find the ordinal of this document
      KnnVectorValues.DocIndexIterator it = values.iterator();
      if (it.advance(local) != local) throw new IOException("document " + doc + " has no vector");
      ord = it.index();
    }
    return values.vectorValue(ord).clone();
  }

  @Override public int[] neighbours(int doc, float maxDistance) throws IOException {
    if (!live(doc)) return new int[0];
    float[] query = vector(doc);
    float reach = maxDistance + CANDIDATE_SLACK;
    for (int k = FIRST_K; ; k *= 4) {
      TopDocs top = searcher.search(new KnnFloatVectorQuery(IndexSchema.VECTOR, query, k), k);
      ScoreDoc[] hits = top.scoreDocs;
      boolean full = hits.length == k && distance(hits[k - 1].score) <= reach;
      if (full && k < MAX_K) continue; // all within reach: there may be more
      List<Integer> out = new ArrayList<>();
      for (ScoreDoc hit : hits) if (distance(hit.score) <= reach) out.add(hit.doc);
      return out.stream().mapToInt(Integer::intValue).toArray();
    }
  }

  /** Lucene's DOT_PRODUCT score is (1 + dot) / 2; DreamSim distance is 1 - dot. */
  private static float distance(float score) {
    return 2f * (1f - score);
  }

  /**
   * The hash field is an indexed term, so a class is a term with two or more live documents: one walk of the term
   * dictionary, no per-document map. (docFreq counts deleted documents too; live ones are checked.)
   */
  @Override public List<int[]> exactCopies() throws IOException {
    List<int[]> classes = new ArrayList<>();
    Terms terms = MultiTerms.getTerms(searcher.getIndexReader(), IndexSchema.HASH);
    if (terms == null) return classes;
    TermsEnum te = terms.iterator();
    List<Integer> docs = new ArrayList<>();
    BytesRef term;
    while ((term = te.next()) != null) {
      if (te.docFreq() < 2) continue;
      docs.clear();
      for (LeafReaderContext leaf : leaves) {
        PostingsEnum postings = leaf.reader().postings(new Term(IndexSchema.HASH, term));
        if (postings != null) collectLive(leaf, postings, docs);
      }
      if (docs.size() >= 2) classes.add(docs.stream().mapToInt(Integer::intValue).toArray());
    }
    return classes;
  }

  private static void collectLive(LeafReaderContext leaf, PostingsEnum postings, List<Integer> docs) throws IOException {
    Bits live = leaf.reader().getLiveDocs();
    for (int d = postings.nextDoc(); d != DocIdSetIterator.NO_MORE_DOCS; d = postings.nextDoc()) {
      if (live == null || live.get(d)) docs.add(leaf.docBase + d);
    }
  }

  private boolean live(int doc) {
    LeafReaderContext leaf = leaves.get(ReaderUtil.subIndex(doc, leaves));
    Bits liveDocs = leaf.reader().getLiveDocs();
    return liveDocs == null || liveDocs.get(doc - leaf.docBase);
  }

  /** Largest pixel count, then largest file, then oldest, then path (copies made with cp -p tie on all three). */
  @Override public Comparator<Integer> keeperOrder() {
    return (a, b) -> {
      if (pixels[a] != pixels[b]) return Long.compare(pixels[b], pixels[a]);
      if (bytes[a] != bytes[b]) return Long.compare(bytes[b], bytes[a]);
      if (mtime[a] != mtime[b]) return Long.compare(mtime[a], mtime[b]);
      try {
        return record(a).path().compareTo(record(b).path());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    };
  }
}
