package dss.index.lucene;

import dss.index.Hit;
import dss.index.HitOrder;
import dss.index.ImageIndex;
import dss.index.ImageRecord;
import dss.index.KnnQuery;
import dss.index.Listing;
import dss.index.ListingQuery;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.lucene.codecs.lucene104.Lucene104HnswScalarQuantizedVectorsFormat;
import org.apache.lucene.codecs.perfield.PerFieldKnnVectorsFormat;
import org.apache.lucene.index.BinaryDocValues;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.FieldInfo;
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
import org.apache.lucene.search.FieldDoc;
import org.apache.lucene.search.FieldExistsQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortField;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.BytesRef;

/**
 * One acquired searcher: items are global doc ids. Lucene's DOT_PRODUCT score is {@code (1 + cos) /
 * 2} ({@link Hit#distanceOfScore}).
 */
final class LuceneSnapshot implements ImageIndex.Snapshot {
  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(LuceneSnapshot.class);

  /**
   * With quantized vectors the graph collects this many times more candidates, all rescored at full
   * precision: 1-bit scores are coarse (recall@10 0.88 with 100 candidates, 0.97 with 300 on 1792-d
   * clustered vectors), and rescoring a few hundred vectors costs microseconds.
   */
  static final int QUANTIZED_OVERSAMPLE = 3;

  private final IndexSearcher searcher;
  private final List<LeafReaderContext> leaves;
  private final boolean quantized;

  /** Vector values are not thread-safe: one instance per thread and leaf. */
  private final ThreadLocal<FloatVectorValues[]> vectors;

  /**
   * Stored-fields readers are not thread-safe either, and keep their last decoded block: one per
   * thread.
   */
  private final ThreadLocal<StoredFields> storedFields = new ThreadLocal<>();

  /**
   * The graph walk of a one-segment index, one per thread; null inside: that segment has no
   * walkable graph.
   */
  private final ThreadLocal<GraphNeighbourhood[]> graphWalks;

  /** Gives the searcher back to its manager. */
  interface Release {
    void run() throws IOException;
  }

  private final Release onClose;
  private volatile Boolean sortable;
  private volatile Boolean sortableByTaken;
  private volatile boolean noGraph;
  private volatile GraphNeighbourhood.Siblings siblings;
  private static final java.util.concurrent.atomic.AtomicBoolean WARNED_SEGMENTS =
      new java.util.concurrent.atomic.AtomicBoolean();
  private static final java.util.concurrent.atomic.AtomicBoolean WARNED_UNSORTABLE =
      new java.util.concurrent.atomic.AtomicBoolean();

  /**
   * Threads that share a listing's sorted pass over the segments: the pass visits every document
   * (about 20 ns each), so on a library of many segments the cores split it. Daemon threads, as
   * many as the cores; a listing on a one-segment index runs on the caller's thread alone.
   */
  private static final java.util.concurrent.ExecutorService LISTING_THREADS =
      java.util.concurrent.Executors.newFixedThreadPool(
          Runtime.getRuntime().availableProcessors(),
          Thread.ofPlatform().daemon().name("listing-", 0).factory());

  LuceneSnapshot(IndexSearcher searcher, Release onClose) {
    this.searcher = searcher;
    this.onClose = onClose;
    this.leaves = searcher.getIndexReader().leaves();
    this.quantized = quantized(leaves);
    this.vectors = ThreadLocal.withInitial(() -> new FloatVectorValues[leaves.size()]);
    this.graphWalks = ThreadLocal.withInitial(() -> new GraphNeighbourhood[1]);
  }

  @Override
  public long count() {
    return searcher.getIndexReader().numDocs();
  }

  @Override
  public long version() {
    IndexReader reader = searcher.getIndexReader();
    return reader instanceof DirectoryReader d ? d.getVersion() : reader.hashCode();
  }

  @Override
  public Optional<ImageRecord> get(String id) throws IOException {
    int doc = docOf(new Term(IndexSchema.ID, id));
    return doc < 0 ? Optional.empty() : Optional.of(record(doc));
  }

  @Override
  public Optional<float[]> vector(String id) throws IOException {
    int doc = docOf(new Term(IndexSchema.ID, id));
    return doc < 0 ? Optional.empty() : Optional.of(vector(doc));
  }

  @Override
  public Optional<ImageRecord> firstWithHash(String sha256) throws IOException {
    int doc = docOf(new Term(IndexSchema.HASH, sha256));
    return doc < 0 ? Optional.empty() : Optional.of(record(doc));
  }

  /**
   * The path prefix is a pre-filter inside the k-NN query, so k results come back whenever k
   * documents match it. A segment where few documents match (a small index, a restrictive prefix)
   * is searched exactly ({@link GraphOrExactQuery}). With quantization the candidates are rescored
   * at full precision. The default candidates grow with the library ({@link
   * dss.index.KnnOptions#defaultCandidates}). Ties are resolved by {@link HitOrder}; the records of
   * the hits are read with one stored-fields reader, in document order.
   */
  @Override
  public List<Hit> knn(KnnQuery q) throws IOException {
    int asked = HitOrder.fetchFor(q.k());
    ScoreDoc[] top =
        searcher.search(GraphOrExactQuery.forKnn(q, asked, items(), quantized), asked).scoreDocs;
    while (HitOrder.tieAtCut(distances(top), asked, q.k())) {
      asked = (int) Math.min(Integer.MAX_VALUE, 2L * asked);
      top =
          searcher.search(GraphOrExactQuery.forKnn(q, asked, items(), quantized), asked).scoreDocs;
    }
    // the k nearest, and past them only what ties with the k-th (the order decides among those)
    int keep = Math.min(top.length, q.k());
    while (keep < top.length && top[keep].score == top[q.k() - 1].score) keep++;
    int[] docs = new int[keep];
    float[] distances = new float[keep];
    for (int i = 0; i < keep; i++) {
      docs[i] = top[i].doc;
      distances[i] = Hit.distanceOfScore(top[i].score);
    }
    List<ImageRecord> records = records(docs);
    List<Hit> hits = new ArrayList<>(docs.length + 1);
    for (int i = 0; i < docs.length; i++) hits.add(new Hit(records.get(i), distances[i]));
    if (q.ownId() != null && hits.stream().noneMatch(h -> h.image().id().equals(q.ownId()))) {
      int own =
          docOf(
              new Term(
                  IndexSchema.ID, q.ownId())); // missed by the approximate search (or filtered)
      if (own >= 0) {
        ImageRecord record = record(own);
        if (HitOrder.ownImageMatches(q, record)) {
          hits.add(new Hit(record, dss.model.Vectors.distance(q.unitVector(), vector(own))));
        }
      }
    }
    return HitOrder.finish(hits, q);
  }

  private static float[] distances(ScoreDoc[] top) {
    float[] d = new float[top.length];
    for (int i = 0; i < top.length; i++) d[i] = Hit.distanceOfScore(top[i].score);
    return d;
  }

  /**
   * The records of {@code docs}, in that order, from their doc values copy ({@link
   * IndexSchema#RECORD}), visited in document order; a document written before that copy existed
   * from the stored fields.
   */
  private List<ImageRecord> records(int[] docs) throws IOException {
    Integer[] byDoc = new Integer[docs.length];
    for (int i = 0; i < docs.length; i++) byDoc[i] = i;
    java.util.Arrays.sort(byDoc, java.util.Comparator.comparingInt(i -> docs[i]));
    List<LeafReaderContext> leaves = searcher.getIndexReader().leaves();
    StoredFields fields = null; // opened only for documents without the doc values copy
    ImageRecord[] records = new ImageRecord[docs.length];
    int leafIndex = -1;
    BinaryDocValues copies = null;
    for (int i : byDoc) {
      int doc = docs[i];
      int leaf = ReaderUtil.subIndex(doc, leaves);
      if (leaf != leafIndex) { // docs ascend: each leaf's values are read forward once
        leafIndex = leaf;
        copies = leaves.get(leaf).reader().getBinaryDocValues(IndexSchema.RECORD);
      }
      if (copies != null && copies.advanceExact(doc - leaves.get(leaf).docBase)) {
        records[i] = IndexSchema.decode(copies.binaryValue());
      } else {
        if (fields == null) fields = searcher.storedFields();
        records[i] = IndexSchema.toRecord(fields, doc);
      }
    }
    return java.util.Arrays.asList(records);
  }

  /**
   * Sorted by the doc values columns ({@link IndexSchema#SORT_MTIME}, {@link
   * IndexSchema#SORT_PATH}): the top {@code offset + limit} by a priority queue over the matching
   * documents (or, for a page in the back half, the top {@code total - offset} of the reversed
   * order), then the stored records of the page only. A page after a cursor is Lucene's {@code
   * searchAfter} from the cursor's sort values: a queue of one page, the same cost at every depth.
   * The pass over the segments is split across the cores ({@code LISTING_THREADS}). An index with
   * documents written before those columns existed is listed by the full scan of {@link
   * ImageIndex.Snapshot#list} (correct, slow on a large library; an index built anew has the
   * columns).
   */
  @Override
  public Listing list(ListingQuery q) throws IOException {
    if (q.order().byCaptureDate() && !sortableByTaken()) {
      // records written before the capture fields: the next index run refreshes them
      return ImageIndex.Snapshot.super.list(q);
    }
    if (!sortable()) {
      if (WARNED_UNSORTABLE.compareAndSet(false, true))
        LOG.warn(
            "index has documents without the sort columns of this version: listing by a full scan (an index"
                + " built anew by this version lists from sorted columns)");
      return ImageIndex.Snapshot.super.list(q);
    }
    IndexSearcher searcher = new IndexSearcher(this.searcher.getIndexReader(), LISTING_THREADS);
    Query query =
        q.pathPrefix() == null
            ? new MatchAllDocsQuery()
            : GraphOrExactQuery.pathPrefix(q.pathPrefix());
    int total =
        q.pathPrefix() == null ? searcher.getIndexReader().numDocs() : searcher.count(query);
    if (q.after() != null) {
      // the cursor's sort values, and the last doc id: a document with the same values (the
      // cursor's own, as paths are unique) would have to come after that id, so none is repeated
      ListingQuery.Cursor c = q.after();
      Object[] values =
          q.order() == ListingQuery.Order.PATH
              ? new Object[] {new BytesRef(c.path())}
              : q.order().byCaptureDate()
                  ? new Object[] {
                    c.taken() == null ? 1L : 0L,
                    c.taken() == null ? 0L : c.taken(),
                    c.mtime(),
                    new BytesRef(c.path())
                  }
                  : new Object[] {c.mtime(), new BytesRef(c.path())};
      ScoreDoc[] top =
          searcher.searchAfter(
                  new FieldDoc(items() - 1, Float.NaN, values),
                  query,
                  q.limit() + 1,
                  sort(q.order(), false),
                  false)
              .scoreDocs;
      int[] docs = new int[top.length];
      for (int i = 0; i < docs.length; i++) docs[i] = top[i].doc;
      return Listing.of(total, records(docs), q.limit());
    }
    int end = (int) Math.min(total, (long) q.offset() + q.limit());
    if (q.offset() >= end) return new Listing(total, List.of());
    // A page in the back half is read from the other end: the reversed order's top total - offset
    // documents, fewer than end (paths are unique, so every order is total and its reverse is
    // exact).
    boolean fromEnd = total - q.offset() < end;
    int[] docs = new int[end - q.offset()];
    if (fromEnd) {
      ScoreDoc[] top =
          searcher.search(query, total - q.offset(), sort(q.order(), true), false).scoreDocs;
      for (int i = 0; i < docs.length; i++) docs[i] = top[top.length - 1 - i].doc;
    } else {
      ScoreDoc[] top = searcher.search(query, end, sort(q.order(), false), false).scoreDocs;
      for (int i = 0; i < docs.length; i++) docs[i] = top[q.offset() + i].doc;
    }
    List<ImageRecord> page = records(docs);
    return new Listing(
        total, page, end < total ? ListingQuery.Cursor.after(page.get(page.size() - 1)) : null);
  }

  /** The order, or ({@code reversed}) its exact reverse. */
  private static Sort sort(ListingQuery.Order order, boolean reversed) {
    SortField path = new SortField(IndexSchema.SORT_PATH, SortField.Type.STRING, reversed);
    SortField mtime =
        new SortField(
            IndexSchema.SORT_MTIME,
            SortField.Type.LONG,
            (order == ListingQuery.Order.NEWEST) != reversed);
    if (order.byCaptureDate()) {
      boolean newest = order == ListingQuery.Order.TAKEN;
      return new Sort(
          new SortField(IndexSchema.SORT_UNDATED, SortField.Type.LONG, reversed), // dated first
          new SortField(IndexSchema.SORT_TAKEN, SortField.Type.LONG, newest != reversed),
          new SortField(IndexSchema.SORT_MTIME, SortField.Type.LONG, newest != reversed),
          path);
    }
    return order == ListingQuery.Order.PATH ? new Sort(path) : new Sort(mtime, path);
  }

  /**
   * Whether every live document has the capture-date sort columns (records written before them are
   * listed by the full scan until an index run refreshes them).
   */
  private boolean sortableByTaken() throws IOException {
    Boolean s = sortableByTaken;
    if (s == null) {
      s =
          searcher.count(new FieldExistsQuery(IndexSchema.SORT_UNDATED))
              == searcher.getIndexReader().numDocs();
      sortableByTaken = s;
    }
    return s;
  }

  /**
   * Whether every live document has the sort columns (both are written together, so one is
   * checked).
   */
  private boolean sortable() throws IOException {
    Boolean s = sortable;
    if (s == null) {
      s =
          searcher.count(new FieldExistsQuery(IndexSchema.SORT_MTIME))
              == searcher.getIndexReader().numDocs();
      sortable = s;
    }
    return s;
  }

  @Override
  public int items() {
    return searcher.getIndexReader().maxDoc();
  }

  @Override
  public boolean live(int doc) {
    LeafReaderContext leaf = leaves.get(ReaderUtil.subIndex(doc, leaves));
    Bits liveDocs = leaf.reader().getLiveDocs();
    return liveDocs == null || liveDocs.get(doc - leaf.docBase);
  }

  /**
   * One stored-fields reader per thread: it keeps the last decompressed block, so reading the
   * records of a whole library in document order (the dedup's keeper order) decodes each block once
   * instead of once per document.
   */
  @Override
  public ImageRecord record(int doc) throws IOException {
    StoredFields fields = storedFields.get();
    if (fields == null) {
      fields = searcher.storedFields();
      storedFields.set(fields);
    }
    return IndexSchema.toRecord(fields, doc);
  }

  @Override
  public float[] vector(int doc) throws IOException {
    int leafIndex = ReaderUtil.subIndex(doc, leaves);
    LeafReaderContext leaf = leaves.get(leafIndex);
    FloatVectorValues[] mine = vectors.get();
    if (mine[leafIndex] == null)
      mine[leafIndex] = leaf.reader().getFloatVectorValues(IndexSchema.VECTOR);
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

  /**
   * The index's scores, without rescoring (approximate with quantized vectors: the dedup grouping
   * checks every candidate at full precision).
   */
  @Override
  public ImageIndex.Neighbours nearest(float[] unitQuery, int k, int candidates)
      throws IOException {
    int collect = Math.max(k, candidates);
    ScoreDoc[] hits =
        searcher.search(GraphOrExactQuery.of(unitQuery, collect, collect, null), k).scoreDocs;
    int[] items = new int[hits.length];
    float[] distances = new float[hits.length];
    for (int i = 0; i < hits.length; i++) {
      items[i] = hits[i].doc;
      distances[i] = Hit.distanceOfScore(hits[i].score);
    }
    return new ImageIndex.Neighbours(items, distances);
  }

  /**
   * One segment: read from its HNSW graph's links ({@link GraphNeighbourhood}), exact distances, no
   * search. Several segments: a graph per segment, and a pair split across two of them is found
   * only by a search, so this answers by search as the default does ({@code dreamsim dedup --merge}
   * makes one segment first).
   */
  @Override
  public ImageIndex.Neighbours neighboursOf(int item, float maxDistance) throws IOException {
    GraphNeighbourhood walk = leaves.size() == 1 ? graphWalk() : null;
    if (walk == null) {
      if (leaves.size() > 1 && WARNED_SEGMENTS.compareAndSet(false, true)) {
        LOG.info(
            "index has {} segments: each image's neighbours are searched (one segment, after a merge, reads"
                + " them from the graph, much faster)",
            leaves.size());
      }
      return ImageIndex.Snapshot.super.neighboursOf(item, maxDistance);
    }
    ImageIndex.Neighbours found = walk.within(item, maxDistance, siblings(walk));
    if (found.items().length > 0 || !walk.fewLinks(item, GraphNeighbourhood.SEARCH_BELOW))
      return found;
    // few links and nothing found: search, then measure at full precision as the walk does
    ImageIndex.Neighbours searched = ImageIndex.Snapshot.super.neighboursOf(item, maxDistance);
    float[] query = vector(item);
    int[] items = new int[searched.items().length];
    float[] distances = new float[items.length];
    int within = 0;
    for (int other : searched.items()) {
      float d = dss.model.Vectors.distance(query, vector(other));
      if (d > maxDistance) continue;
      items[within] = other;
      distances[within++] = d;
    }
    return GraphNeighbourhood.nearestFirst(items, distances, within);
  }

  /** The only segment's poorly linked items by their links, made once by the first walk. */
  private GraphNeighbourhood.Siblings siblings(GraphNeighbourhood walk) throws IOException {
    GraphNeighbourhood.Siblings s = siblings;
    if (s == null) {
      synchronized (this) {
        if (siblings == null) siblings = walk.siblings();
        s = siblings;
      }
    }
    return s;
  }

  /** This thread's walk of the only segment's graph, or null when it has none. */
  private GraphNeighbourhood graphWalk() throws IOException {
    GraphNeighbourhood[] mine = graphWalks.get();
    if (mine[0] == null && !noGraph) {
      mine[0] = GraphNeighbourhood.of(leaves.get(0).reader(), IndexSchema.VECTOR);
      if (mine[0] == null) noGraph = true;
    }
    return mine[0];
  }

  /**
   * The hash field is an indexed term, so a class is a term with two or more live documents: one
   * walk of the term dictionary, no per-document map. (docFreq counts deleted documents too; live
   * ones are checked.)
   */
  @Override
  public List<int[]> sameContent() throws IOException {
    List<int[]> classes = new ArrayList<>();
    Terms terms = MultiTerms.getTerms(searcher.getIndexReader(), IndexSchema.HASH);
    if (terms == null) return classes;
    TermsEnum te = terms.iterator();
    List<Integer> docs = new ArrayList<>();
    for (BytesRef term = te.next(); term != null; term = te.next()) {
      if (te.docFreq() < 2) continue;
      docs.clear();
      for (LeafReaderContext leaf : leaves) {
        PostingsEnum postings = leaf.reader().postings(new Term(IndexSchema.HASH, term));
        if (postings == null) continue;
        Bits live = leaf.reader().getLiveDocs();
        for (int d = postings.nextDoc();
            d != DocIdSetIterator.NO_MORE_DOCS;
            d = postings.nextDoc()) {
          if (live == null || live.get(d)) docs.add(leaf.docBase + d);
        }
      }
      if (docs.size() >= 2) classes.add(docs.stream().mapToInt(Integer::intValue).toArray());
    }
    return classes;
  }

  @Override
  public void close() throws IOException {
    onClose.run();
  }

  /**
   * The first live document holding the term, or -1: a seek in each segment's term dictionary, not
   * a scored search (a re-run of the indexer asks this once per file).
   */
  private int docOf(Term term) throws IOException {
    for (LeafReaderContext leaf : leaves) {
      Terms terms = leaf.reader().terms(term.field());
      if (terms == null) continue;
      TermsEnum seek = terms.iterator();
      if (!seek.seekExact(term.bytes())) continue;
      Bits live = leaf.reader().getLiveDocs();
      PostingsEnum docs = seek.postings(null, PostingsEnum.NONE);
      for (int d = docs.nextDoc(); d != DocIdSetIterator.NO_MORE_DOCS; d = docs.nextDoc())
        if (live == null || live.get(d)) return leaf.docBase + d;
    }
    return -1;
  }

  /**
   * Whether the vectors are scalar-quantized (then the graph's scores are approximate and we
   * rescore).
   */
  private static boolean quantized(List<LeafReaderContext> leaves) {
    for (LeafReaderContext leaf : leaves) {
      FieldInfo field = leaf.reader().getFieldInfos().fieldInfo(IndexSchema.VECTOR);
      if (field != null) {
        String format = field.getAttribute(PerFieldKnnVectorsFormat.PER_FIELD_FORMAT_KEY);
        if (Lucene104HnswScalarQuantizedVectorsFormat.NAME.equals(format)) return true;
      }
    }
    return false;
  }
}
