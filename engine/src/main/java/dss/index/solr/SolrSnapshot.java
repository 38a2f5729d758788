package dss.index.solr;

import com.fasterxml.jackson.databind.JsonNode;
import dss.index.Hit;
import dss.index.HitOrder;
import dss.index.ImageIndex;
import dss.index.ImageRecord;
import dss.index.IndexException;
import dss.index.KnnQuery;
import dss.index.Listing;
import dss.index.ListingQuery;
import dss.index.RecordField;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A view of a Solr collection. Solr keeps no point-in-time reader across HTTP requests, so a
 * snapshot here is weaker than the embedded index's:
 *
 * <ul>
 *   <li>lookups and k-NN queries each read the latest commit when they run;
 *   <li>{@link #count()} and {@link #version()} are read once, at their first call; the version
 *       changes whenever the visible content does (it combines the live count and the newest {@code
 *       _version_}, which every update raises);
 *   <li>the items of a whole-library pass are numbered once, at the first call that needs them, by
 *       a cursorMark pass over the ids (sorted): item {@code i} is the i-th id. Records and vectors
 *       are then read in pages by id range, so memory holds the ids (16 bytes each) and a few
 *       pages, never the vectors. A document deleted since the numbering reads as not {@link #live
 *       live}; documents added since have no item number and are left out of {@link #nearest} and
 *       {@link #sameContent}.
 * </ul>
 *
 * Distances: Solr's dot-product score is {@code (1 + cos) / 2} ({@link Hit#distanceOfScore});
 * {@code topK} is per shard and Solr merges the shards' candidates before cutting to {@code rows}.
 */
final class SolrSnapshot implements ImageIndex.Snapshot {
  static final int ID_PAGE = 10_000;
  static final int RECORD_PAGE = 500;
  static final int VECTOR_PAGE = 64;
  private static final int PAGES_KEPT = 8;

  private final SolrIndex index;
  private volatile long[] countAndVersion;
  private volatile ItemTable table;
  private final Map<Integer, ImageRecord[]> recordPages = lru();
  private final Map<Integer, float[][]> vectorPages = lru();

  SolrSnapshot(SolrIndex index) {
    this.index = index;
  }

  @Override
  public long count() {
    return countAndVersion()[0];
  }

  @Override
  public long version() {
    return countAndVersion()[1];
  }

  private long[] countAndVersion() {
    long[] cv = countAndVersion;
    if (cv == null) {
      try {
        JsonNode r =
            index.select(
                SolrIndex.params(
                    "q",
                    SolrIndex.IMAGES,
                    "rows",
                    "1",
                    "sort",
                    "_version_ desc",
                    "fl",
                    "_version_"));
        long count = r.path("response").path("numFound").asLong();
        JsonNode docs = r.path("response").path("docs");
        long newest = docs.isEmpty() ? 0 : docs.get(0).path("_version_").asLong();
        cv = new long[] {count, newest ^ (count * 0x9E3779B97F4A7C15L)};
        countAndVersion = cv;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return cv;
  }

  @Override
  public Optional<ImageRecord> get(String id) throws IOException {
    JsonNode doc = byId(id, SolrIndex.RECORD_FIELDS);
    return doc == null ? Optional.empty() : Optional.of(record(doc));
  }

  @Override
  public Optional<float[]> vector(String id) throws IOException {
    JsonNode doc = byId(id, "vector_bytes");
    return doc == null ? Optional.empty() : Optional.of(vector(doc));
  }

  /** One committed document by id; {@code _route_} sends the query to the id's shard only. */
  private JsonNode byId(String id, String fields) throws IOException {
    if (SolrIndex.METADATA_ID.equals(id)) return null;
    Map<String, String> p =
        SolrIndex.params("q", "{!term f=id v=$id}", "id", id, "fl", fields, "rows", "1");
    if (id.indexOf('!') < 0) p.put("_route_", id);
    JsonNode docs = index.select(p).path("response").path("docs");
    return docs.isEmpty() ? null : docs.get(0);
  }

  @Override
  public Optional<ImageRecord> firstWithHash(String sha256) throws IOException {
    JsonNode docs =
        index
            .select(
                SolrIndex.params(
                    "q",
                    "{!term f=hash v=$h}",
                    "h",
                    sha256,
                    "fl",
                    SolrIndex.RECORD_FIELDS,
                    "rows",
                    "1",
                    "sort",
                    "id asc"))
            .path("response")
            .path("docs");
    return docs.isEmpty() ? Optional.empty() : Optional.of(record(docs.get(0)));
  }

  /**
   * {@code topK} = the query's candidates, on every shard (Solr merges them and keeps {@code
   * rows}); the path prefix is an {@code fq}, which Solr applies as a pre-filter of the k-NN
   * search, so k results come back whenever k documents match it. Ties are resolved by {@link
   * HitOrder} (rows = k + 1, widened while the last ties the k-th); the distance cut-off is applied
   * to the k nearest, as the embedded index does.
   */
  @Override
  public List<Hit> knn(KnnQuery q) throws IOException {
    int asked = HitOrder.fetchFor(q.k());
    List<Hit> hits = fetch(q, asked);
    while (HitOrder.tieAtCut(distances(hits), asked, q.k())) {
      asked = (int) Math.min(Integer.MAX_VALUE, 2L * asked);
      hits = fetch(q, asked);
    }
    if (q.ownId() != null && hits.stream().noneMatch(h -> h.image().id().equals(q.ownId()))) {
      JsonNode own =
          byId(q.ownId(), SolrIndex.RECORD_FIELDS + ",vector_bytes"); // missed, or filtered out
      if (own != null && HitOrder.ownImageMatches(q, record(own))) {
        hits.add(new Hit(record(own), dss.model.Vectors.distance(q.unitVector(), vector(own))));
      }
    }
    return HitOrder.finish(hits, q);
  }

  /**
   * The library size the default candidates are taken for: 0, the fixed default. Solr's {@code
   * topK} is collected on every shard, each with a graph of its share of the collection, and the
   * collection's size would cost a request per search; a large collection can ask for more.
   */
  private static final long FIXED_DEFAULT = 0;

  private List<Hit> fetch(KnnQuery q, int rows) throws IOException {
    Map<String, String> p =
        knnParams(
            q.unitVector(),
            Math.max(rows, q.candidatesFor(FIXED_DEFAULT)),
            rows,
            SolrIndex.RECORD_FIELDS + ",score");
    if (q.pathPrefix() != null) {
      p.put("fq", "{!prefix f=path v=$prefix}");
      p.put("prefix", q.pathPrefix());
    }
    List<Hit> hits = new ArrayList<>();
    for (JsonNode doc : index.select(p).path("response").path("docs")) {
      hits.add(new Hit(record(doc), Hit.distanceOfScore(SolrHttp.floatValue(doc.path("score")))));
    }
    return hits;
  }

  private static float[] distances(List<Hit> hits) {
    float[] d = new float[hits.size()];
    for (int i = 0; i < d.length; i++) d[i] = hits.get(i).distance();
    return d;
  }

  /**
   * {@code sort}, {@code start} and {@code rows} over the image documents, the path prefix as an
   * {@code fq}; the total is Solr's {@code numFound}. Sorting by date needs {@code mtime} doc
   * values, which collections created before the listing existed lack: their error says so (the
   * path order still works there). A page after a cursor filters on the cursor's sort values (a
   * range on {@code mtime} and {@code path}) and counts the total apart.
   */
  @Override
  public Listing list(ListingQuery q) throws IOException {
    Map<String, String> p =
        SolrIndex.params(
            "q",
            SolrIndex.IMAGES,
            "fl",
            SolrIndex.RECORD_FIELDS,
            "start",
            Integer.toString(q.offset()),
            "rows",
            Integer.toString(q.limit() + 1),
            "sort",
            switch (q.order()) {
              case NEWEST -> "mtime desc,path asc";
              case OLDEST -> "mtime asc,path asc";
              case PATH -> "path asc";
              // sort_taken sorts missing (undated) last in both directions
              case TAKEN -> "sort_taken desc,mtime desc,path asc";
              case TAKEN_OLDEST -> "sort_taken asc,mtime asc,path asc";
            });
    if (q.pathPrefix() != null) {
      p.put("fq", "{!prefix f=path v=$prefix}");
      p.put("prefix", q.pathPrefix());
    }
    Long total = null;
    if (q.after()
        != null) { // the total counts the whole prefix, the page only what follows the cursor
      Map<String, String> count = new java.util.LinkedHashMap<>(p);
      count.put("rows", "0");
      count.remove("sort");
      total = select(count, q).path("numFound").asLong();
      p.put("q", "(" + SolrIndex.IMAGES + ") AND (" + following(q.order(), q.after()) + ")");
    }
    JsonNode response = select(p, q);
    List<ImageRecord> fetched = new ArrayList<>();
    for (JsonNode doc : response.path("docs")) fetched.add(record(doc));
    return Listing.of(
        total != null ? total : response.path("numFound").asLong(), fetched, q.limit());
  }

  private JsonNode select(Map<String, String> p, ListingQuery q) throws IOException {
    try {
      return index.select(p).path("response");
    } catch (IndexException e) {
      if (q.order() != ListingQuery.Order.PATH && String.valueOf(e.getMessage()).contains("sort")) {
        throw new IndexException(
            "collection "
                + index.location()
                + " cannot list images by date: it was created"
                + " before "
                + (q.order().byCaptureDate() ? "capture dates" : "dates")
                + " were sortable (no "
                + (q.order().byCaptureDate() ? "sort_taken" : "mtime")
                + " doc values); list by path, or build the collection anew",
            e);
      }
      throw e;
    }
  }

  /**
   * The images after {@code cursor} in {@code order}, as a Lucene query (paths are unique: no ties
   * after them).
   */
  static String following(ListingQuery.Order order, ListingQuery.Cursor cursor) {
    String path =
        "path:{\"" + cursor.path().replace("\\", "\\\\").replace("\"", "\\\"") + "\" TO *]";
    if (order == ListingQuery.Order.PATH) return path;
    String m = Long.toString(cursor.mtime());
    boolean newest = order == ListingQuery.Order.NEWEST || order == ListingQuery.Order.TAKEN;
    String later = newest ? "mtime:[* TO " + m + "}" : "mtime:{" + m + " TO *]";
    String byMtime = later + " OR (mtime:[" + m + " TO " + m + "] AND " + path + ")";
    if (!order.byCaptureDate()) return byMtime;
    String undated = "(*:* -sort_taken:[* TO *])";
    if (cursor.taken() == null) return undated + " AND (" + byMtime + ")";
    String t = Long.toString(cursor.taken());
    String laterTaken = newest ? "sort_taken:[* TO " + t + "}" : "sort_taken:{" + t + " TO *]";
    return laterTaken
        + " OR (sort_taken:["
        + t
        + " TO "
        + t
        + "] AND ("
        + byMtime
        + ")) OR "
        + undated;
  }

  static Map<String, String> knnParams(float[] vector, int topK, int rows, String fields) {
    StringBuilder q =
        new StringBuilder(vector.length * 20 + 40)
            .append("{!knn f=vector topK=")
            .append(topK)
            .append("}[");
    for (int i = 0; i < vector.length; i++) {
      if (i > 0) q.append(',');
      q.append((double) vector[i]); // exact: Solr may parse it as a double before narrowing
    }
    q.append(']');
    return SolrIndex.params("q", q.toString(), "rows", Integer.toString(rows), "fl", fields);
  }

  // ---- whole-library passes ----

  @Override
  public int items() {
    return table().size();
  }

  @Override
  public boolean live(int item) {
    try {
      return item >= 0 && item < items() && recordPage(item)[item % RECORD_PAGE] != null;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public ImageRecord record(int item) throws IOException {
    ImageRecord r = recordPage(item)[item % RECORD_PAGE];
    if (r == null) throw changed(item);
    return r;
  }

  @Override
  public float[] vector(int item) throws IOException {
    float[] v = vectorPage(item)[item % VECTOR_PAGE];
    if (v == null) throw changed(item);
    return v.clone();
  }

  private IOException changed(int item) {
    return new IOException(
        "document "
            + table().id(item)
            + " left collection "
            + index.location()
            + " during a whole-library pass (another process is writing it); run again");
  }

  /** {@code topK} = {@code candidates} on every shard, {@code rows} = k. */
  @Override
  public ImageIndex.Neighbours nearest(float[] unitQuery, int k, int candidates)
      throws IOException {
    JsonNode docs =
        index
            .select(knnParams(unitQuery, Math.max(k, candidates), k, "id,score"))
            .path("response")
            .path("docs");
    ItemTable t = table();
    int[] items = new int[docs.size()];
    float[] distances = new float[docs.size()];
    int n = 0;
    for (JsonNode doc : docs) {
      int item = t.itemOf(doc.path("id").asText());
      if (item < 0) continue; // added after the items were numbered
      items[n] = item;
      distances[n++] = Hit.distanceOfScore(SolrHttp.floatValue(doc.path("score")));
    }
    return new ImageIndex.Neighbours(Arrays.copyOf(items, n), Arrays.copyOf(distances, n));
  }

  /**
   * One cursorMark pass sorted by content hash: runs of equal hashes are the classes. Holds only
   * the classes.
   */
  @Override
  public List<int[]> sameContent() throws IOException {
    ItemTable t = table();
    List<int[]> classes = new ArrayList<>();
    List<Integer> run = new ArrayList<>();
    String[] runHash = {null};
    cursor(
        SolrIndex.params("q", "hash:[* TO *]", "fl", "id,hash", "sort", "hash asc,id asc"),
        ID_PAGE,
        doc -> {
          String hash = doc.path("hash").asText();
          if (!hash.equals(runHash[0])) {
            if (run.size() >= 2) classes.add(run.stream().mapToInt(Integer::intValue).toArray());
            run.clear();
            runHash[0] = hash;
          }
          int item = t.itemOf(doc.path("id").asText());
          if (item >= 0) run.add(item);
        });
    if (run.size() >= 2) classes.add(run.stream().mapToInt(Integer::intValue).toArray());
    return classes;
  }

  @Override
  public void close() {}

  private ItemTable table() {
    ItemTable t = table;
    if (t == null) {
      synchronized (this) {
        t = table;
        if (t == null) {
          ItemTable.Builder ids = new ItemTable.Builder();
          try {
            cursor(
                SolrIndex.params("q", SolrIndex.IMAGES, "fl", "id", "sort", "id asc"),
                ID_PAGE,
                doc -> ids.add(doc.path("id").asText()));
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
          t = ids.build();
          table = t;
        }
      }
    }
    return t;
  }

  private ImageRecord[] recordPage(int item) throws IOException {
    int page = item / RECORD_PAGE;
    ImageRecord[] records = recordPages.get(page);
    if (records == null) {
      ImageRecord[] fetched = new ImageRecord[RECORD_PAGE];
      fetchRange(
          page * RECORD_PAGE,
          RECORD_PAGE,
          SolrIndex.RECORD_FIELDS,
          (i, doc) -> fetched[i] = record(doc));
      records = fetched;
      recordPages.put(page, records);
    }
    return records;
  }

  private float[][] vectorPage(int item) throws IOException {
    int page = item / VECTOR_PAGE;
    float[][] vectors = vectorPages.get(page);
    if (vectors == null) {
      float[][] fetched = new float[VECTOR_PAGE][];
      fetchRange(
          page * VECTOR_PAGE, VECTOR_PAGE, "id,vector_bytes", (i, doc) -> fetched[i] = vector(doc));
      vectors = fetched;
      vectorPages.put(page, vectors);
    }
    return vectors;
  }

  private interface PageSink {
    void accept(int offset, JsonNode doc) throws IOException;
  }

  /**
   * The documents of items [start, start + size) that still exist: one id-range query (cursored).
   */
  private void fetchRange(int start, int size, String fields, PageSink sink) throws IOException {
    ItemTable t = table();
    int end = Math.min(t.size(), start + size);
    if (start >= end) return;
    String range = "id:[" + quote(t.id(start)) + " TO " + quote(t.id(end - 1)) + "]";
    cursor(
        SolrIndex.params("q", range, "fl", fields, "sort", "id asc"),
        size,
        doc -> {
          int item = t.itemOf(doc.path("id").asText());
          if (item >= start && item < end) sink.accept(item - start, doc);
        });
  }

  private static String quote(String term) {
    return '"' + term.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }

  private interface DocSink {
    void accept(JsonNode doc) throws IOException;
  }

  /**
   * A cursorMark pass: bounded pages, consistent order even while documents are added or deleted.
   */
  private void cursor(Map<String, String> params, int rows, DocSink sink) throws IOException {
    String mark = "*";
    while (true) {
      Map<String, String> p = new LinkedHashMap<>(params);
      p.put("rows", Integer.toString(rows));
      p.put("cursorMark", mark);
      JsonNode r = index.select(p);
      for (JsonNode doc : r.path("response").path("docs")) sink.accept(doc);
      String next = r.path("nextCursorMark").asText(mark);
      if (next.equals(mark)) return;
      mark = next;
    }
  }

  static ImageRecord record(JsonNode d) {
    try {
      return RecordField.read(
          f ->
              !d.hasNonNull(f.key())
                  ? null
                  : f.kind() == RecordField.Kind.STRING
                      ? d.path(f.key()).asText()
                      : (Number) d.path(f.key()).asLong());
    } catch (IOException e) {
      throw new UncheckedIOException(e); // reading a parsed document does no I/O
    }
  }

  static float[] vector(JsonNode d) throws IOException {
    JsonNode bytes = d.path("vector_bytes");
    if (!bytes.isTextual())
      throw new IOException("document " + d.path("id").asText() + " has no stored vector");
    return SolrIndex.floats(java.util.Base64.getDecoder().decode(bytes.asText()));
  }

  private static <V> Map<Integer, V> lru() {
    return java.util.Collections.synchronizedMap(
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<Integer, V> eldest) {
            return size() > PAGES_KEPT;
          }
        });
  }
}
