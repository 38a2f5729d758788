package dss.index.solr;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dss.index.ImageIndex;
import dss.index.ImageRecord;
import dss.index.IndexCheck;
import dss.index.IndexConfig;
import dss.index.IndexException;
import dss.index.IndexMetadata;
import dss.index.IndexStats;
import dss.index.RecordField;
import dss.model.ModelInfo;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An index in a SolrCloud collection, spoken to over HTTP + JSON (see {@link SolrHttp}): the same
 * documents as the embedded index (one per file, keyed by id; the fields of {@code
 * dss.index.lucene.IndexSchema}), the vector in a {@code solr.DenseVectorField} (dot product, HNSW
 * with the index's M and beam width), and one metadata document recording the model, refused when
 * another model opens the collection.
 *
 * <p><b>Writes</b> are buffered and sent in batches of {@value #BATCH} documents, in order (an
 * upsert and a later delete of the same id keep their order). {@link #commit()} sends what is
 * buffered and asks for a hard commit: once it returns, every change is durable on every replica
 * and visible to every query. Solr has no single-writer lock: two writers on one collection do not
 * corrupt it (one document per id) but interleave their commits.
 *
 * <p><b>Reads</b> see the latest commit of the collection at the time of each request. See {@link
 * SolrSnapshot} for what a snapshot means here. {@link #refresh()} has nothing to do.
 *
 * <p><b>Failures</b>: a node briefly down costs retries on the other nodes (with back-off); a
 * cluster that does not answer is an {@link IndexException} naming the URL ({@link
 * IndexException.Unreachable}).
 */
public final class SolrIndex implements ImageIndex {
  /** Documents per update request: about 36 KB of JSON each at 1792 dimensions. */
  static final int BATCH = 100;

  static final String METADATA_ID = "_dreamsim_metadata";
  static final String RECORD_FIELDS = RecordField.keys(",");

  /** Every image document, not the metadata document. */
  static final String IMAGES = "*:* -id:" + METADATA_ID;

  private final SolrLocation location;
  private final SolrHttp http;
  private final IndexMetadata metadata;
  private final boolean readOnly;
  private final List<Object> pending = new ArrayList<>(); // Upsert or Delete, in order

  private record Upsert(ImageRecord record, float[] vector) {}

  private record Delete(String id) {}

  private SolrIndex(
      SolrLocation location, SolrHttp http, IndexMetadata metadata, boolean readOnly) {
    this.location = location;
    this.http = http;
    this.metadata = metadata;
    this.readOnly = readOnly;
  }

  /**
   * An existing collection, for reading only.
   *
   * @throws IndexException when the cluster does not answer, the collection is missing or was not
   *     made by dreamsim
   */
  public static SolrIndex openReadOnly(String location) throws IOException {
    SolrLocation where = SolrLocation.parse(location);
    SolrHttp http = connect(where);
    try {
      if (!exists(http, where.collection())) throw missing(where);
      return new SolrIndex(where, http, readMetadata(http, where), true);
    } catch (IOException | RuntimeException e) {
      http.close();
      throw e;
    }
  }

  /**
   * Opens the collection for writing, creating it (configset, collection, metadata) when missing
   * with {@code shards} shards of {@code replicas} replicas each; refuses a collection made by
   * another model. {@code config} applies to a new collection only; the Solr backend stores float32
   * vectors only.
   */
  public static SolrIndex openWritable(
      String location, ModelInfo model, IndexConfig config, int shards, int replicas)
      throws IOException {
    SolrLocation where = SolrLocation.parse(location);
    SolrHttp http = connect(where);
    try {
      if (!exists(http, where.collection())) create(http, where, model, config, shards, replicas);
      IndexMetadata metadata = readMetadata(http, where);
      metadata.requireModel(model, where.toString());
      addCaptureFields(http, where);
      return new SolrIndex(where, http, metadata, false);
    } catch (IOException | RuntimeException e) {
      http.close();
      throw e;
    }
  }

  /**
   * Creates the collection; an error when it exists already.
   *
   * @return the new collection, writable
   */
  public static SolrIndex createCollection(
      String location, ModelInfo model, IndexConfig config, int shards, int replicas)
      throws IOException {
    SolrLocation where = SolrLocation.parse(location);
    SolrHttp http = connect(where);
    try {
      if (exists(http, where.collection())) {
        throw new IndexException.Exists(
            "collection " + where + " exists already (delete it first to create it" + " anew)");
      }
      create(http, where, model, config, shards, replicas);
      return new SolrIndex(where, http, readMetadata(http, where), false);
    } catch (IOException | RuntimeException e) {
      http.close();
      throw e;
    }
  }

  /** Deletes the collection and its configset; false when there was no such collection. */
  public static boolean deleteCollection(String location) throws IOException {
    SolrLocation where = SolrLocation.parse(location);
    try (SolrHttp http = connect(where)) {
      return deleteCollection(http, where);
    }
  }

  private static boolean deleteCollection(SolrHttp http, SolrLocation where) throws IOException {
    boolean existed = exists(http, where.collection());
    if (existed) {
      http.get(
          "/admin/collections",
          Map.of("action", "DELETE", "name", where.collection()),
          Duration.ofMinutes(5));
    }
    try {
      http.get(
          "/admin/configs",
          Map.of("action", "DELETE", "name", SolrConfigSet.name(where.collection())),
          Duration.ofMinutes(1));
    } catch (IndexException e) {
      if (!e.getMessage().contains("does not exist") && !(e instanceof SolrHttp.NotFound)) throw e;
    }
    return existed;
  }

  /**
   * The collection's shape and health, the cluster's live nodes, and the model recorded in the
   * collection.
   */
  public record Status(
      String index,
      String solr,
      List<String> liveNodes,
      boolean exists,
      Integer shards,
      Integer replicationFactor,
      List<Shard> shardStates,
      Long documents,
      String model,
      Integer dimensions,
      String health) {}

  public record Shard(String name, String state, List<Replica> replicas) {}

  public record Replica(String name, String node, String state, boolean leader) {}

  public static Status status(String location) throws IOException {
    SolrLocation where = SolrLocation.parse(location);
    try (SolrHttp http = connect(where)) {
      return status(http, where);
    }
  }

  private static Status status(SolrHttp http, SolrLocation where) throws IOException {
    JsonNode cluster =
        http.get("/admin/collections", Map.of("action", "CLUSTERSTATUS")).path("cluster");
    List<String> live = new ArrayList<>();
    cluster
        .path("live_nodes")
        .forEach(
            n ->
                live.add(
                    SolrHttp.nodeUrl(
                        java.net.URI.create(where.baseUrl()).getScheme(), n.asText())));
    JsonNode collection = cluster.path("collections").path(where.collection());
    if (collection.isMissingNode()) {
      return new Status(
          where.toString(), where.baseUrl(), live, false, null, null, null, null, null, null, null);
    }
    List<Shard> shards = new ArrayList<>();
    collection
        .path("shards")
        .properties()
        .forEach(
            shard -> {
              List<Replica> replicas = new ArrayList<>();
              shard
                  .getValue()
                  .path("replicas")
                  .properties()
                  .forEach(
                      r ->
                          replicas.add(
                              new Replica(
                                  r.getKey(),
                                  SolrHttp.nodeUrl(
                                      java.net.URI.create(where.baseUrl()).getScheme(),
                                      r.getValue().path("node_name").asText()),
                                  r.getValue().path("state").asText(),
                                  r.getValue().path("leader").asBoolean(false))));
              shards.add(
                  new Shard(shard.getKey(), shard.getValue().path("state").asText(), replicas));
            });
    Long documents = null;
    String model = null;
    Integer dimensions = null;
    try {
      SolrIndex index =
          new SolrIndex(
              where, http, readMetadata(http, where), true); // http is closed by the caller
      documents = index.count();
      model = index.metadata().model().name();
      dimensions = index.metadata().model().dimensions();
    } catch (IndexException | java.io.UncheckedIOException e) {
      // a collection without our metadata, or no replica answering: the shape above still tells
    }
    return new Status(
        where.toString(),
        where.baseUrl(),
        live,
        true,
        shards.size(),
        collection.path("replicationFactor").asInt(),
        shards,
        documents,
        model,
        dimensions,
        collection.path("health").asText(null));
  }

  private static SolrHttp connect(SolrLocation where) throws IOException {
    SolrHttp http = new SolrHttp(where);
    try {
      http.discoverNodes(); // the first contact, seed by seed: fails soon when nothing answers
    } catch (IOException | RuntimeException e) {
      http.close();
      throw e;
    }
    http.useLocationRetry();
    return http;
  }

  private static boolean exists(SolrHttp http, String collection) throws IOException {
    for (JsonNode name :
        http.get("/admin/collections", Map.of("action", "LIST")).path("collections")) {
      if (name.asText().equals(collection)) return true;
    }
    return false;
  }

  private static IndexException missing(SolrLocation where) {
    return new IndexException.Missing(
        "collection " + where.collection(), where.baseUrl(), where.toString());
  }

  private static void create(
      SolrHttp http,
      SolrLocation where,
      ModelInfo model,
      IndexConfig config,
      int shards,
      int replicas)
      throws IOException {
    if (config.quantization() != IndexConfig.Quantization.NONE) {
      throw new IndexException(
          "the Solr backend stores float32 vectors only (Solr 9 has no quantized HNSW field);"
              + " it cannot store them as "
              + config.quantization().name().toLowerCase(Locale.ROOT));
    }
    if (shards < 1 || replicas < 1) {
      throw new dss.util.InvalidSettingException("shards and replicas must be at least 1");
    }
    String configSet = SolrConfigSet.name(where.collection());
    byte[] zip = SolrConfigSet.zip(model.dimensions(), config);
    // The Configsets API (v1 form: the same on Solr 9 and 10), a zip of the two files
    http.send(
        "POST",
        "/admin/configs",
        Map.of("action", "UPLOAD", "name", configSet, "overwrite", "true"),
        "application/octet-stream",
        zip,
        Duration.ofMinutes(2));
    JsonNode created =
        http.get(
            "/admin/collections",
            Map.of(
                "action",
                "CREATE",
                "name",
                where.collection(),
                "numShards",
                Integer.toString(shards),
                "replicationFactor",
                Integer.toString(replicas),
                "collection.configName",
                configSet,
                "waitForFinalState",
                "true"),
            Duration.ofMinutes(5));
    if (created.has("failure")) {
      throw new IndexException(
          "Solr at "
              + where.baseUrl()
              + " could not create collection "
              + where.collection()
              + ": "
              + created.get("failure"));
    }
    // The model, recorded before any image: the first commit of the collection
    StringBuilder meta = new StringBuilder();
    Map<String, String> data = new java.util.TreeMap<>(new IndexMetadata(model, config).toMap());
    String json = SolrHttp.JSON.writeValueAsString(data);
    meta.append("{\"add\":{\"doc\":{\"id\":\"")
        .append(METADATA_ID)
        .append("\",\"metadata\":")
        .append(SolrHttp.JSON.writeValueAsString(json))
        .append("}}}");
    http.send(
        "POST",
        "/" + where.collection() + "/update",
        Map.of("commit", "true", "waitSearcher", "true"),
        "application/json",
        meta.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8),
        Duration.ofMinutes(5));
  }

  /**
   * Adds the capture-date fields (taken_at, camera_make, camera_model, record_version, sort_taken)
   * through the Schema API to a collection created before they existed, so that its documents can
   * be written and refreshed; nothing for a collection that has them.
   */
  static void addCaptureFields(SolrHttp http, SolrLocation where) throws IOException {
    JsonNode fields = http.get("/" + where.collection() + "/schema/fields", Map.of());
    java.util.Set<String> have = new java.util.HashSet<>();
    for (JsonNode f : fields.path("fields")) have.add(f.path("name").asText());
    if (have.contains("sort_taken")) return;
    JsonNode types = http.get("/" + where.collection() + "/schema/fieldtypes", Map.of());
    boolean hasType = false;
    for (JsonNode t : types.path("fieldTypes"))
      hasType |= t.path("name").asText().equals("plong_last");
    StringBuilder body = new StringBuilder("{");
    if (!hasType)
      body.append(
          "\"add-field-type\":{\"name\":\"plong_last\",\"class\":\"solr.LongPointField\","
              + "\"sortMissingLast\":true},");
    List<String> add = new ArrayList<>();
    for (String name : List.of("taken_at", "camera_make", "camera_model"))
      if (!have.contains(name))
        add.add(
            "{\"name\":\""
                + name
                + "\",\"type\":\"string\",\"indexed\":false,\"stored\":true,\"docValues\":false}");
    if (!have.contains("record_version"))
      add.add(
          "{\"name\":\"record_version\",\"type\":\"pint\",\"indexed\":false,\"stored\":true,"
              + "\"docValues\":false}");
    add.add(
        "{\"name\":\"sort_taken\",\"type\":\"plong_last\",\"indexed\":false,\"stored\":false,"
            + "\"docValues\":true}");
    body.append("\"add-field\":[").append(String.join(",", add)).append("]}");
    http.send(
        "POST",
        "/" + where.collection() + "/schema",
        Map.of(),
        "application/json",
        body.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8),
        Duration.ofMinutes(2));
  }

  private static IndexMetadata readMetadata(SolrHttp http, SolrLocation where) throws IOException {
    JsonNode docs =
        http.post(
                "/" + where.collection() + "/select",
                Map.of("q", "{!term f=id v=" + METADATA_ID + "}", "fl", "metadata", "rows", "1"))
            .path("response")
            .path("docs");
    Map<String, String> data = new HashMap<>();
    if (docs.size() == 1) {
      SolrHttp.JSON
          .readTree(docs.get(0).path("metadata").asText("{}"))
          .properties()
          .forEach(e -> data.put(e.getKey(), e.getValue().asText()));
    }
    return IndexMetadata.fromMap(data, where.toString());
  }

  // ---- the index ----

  @Override
  public String location() {
    return location.toString();
  }

  @Override
  public IndexMetadata metadata() {
    return metadata;
  }

  @Override
  public boolean readOnly() {
    return readOnly;
  }

  SolrHttp http() {
    return http;
  }

  String collection() {
    return location.collection();
  }

  @Override
  public synchronized void upsert(ImageRecord record, float[] unitVector) throws IOException {
    if (unitVector.length != metadata.model().dimensions()) {
      throw new IllegalArgumentException(
          "vector of "
              + record.path()
              + " has "
              + unitVector.length
              + " dimensions, the index holds "
              + metadata.model().dimensions());
    }
    requireWritable();
    pending.add(new Upsert(record, unitVector.clone()));
    if (pending.size() >= BATCH) flush();
  }

  @Override
  public synchronized void delete(String id) throws IOException {
    requireWritable();
    pending.add(new Delete(id));
    if (pending.size() >= BATCH) flush();
  }

  /** Sends the buffered changes (not yet visible: that is {@link #commit()}). */
  private void flush() throws IOException {
    if (pending.isEmpty()) return;
    ByteArrayOutputStream body = new ByteArrayOutputStream(pending.size() * 40_000);
    try (JsonGenerator json = SolrHttp.JSON.getFactory().createGenerator(body)) {
      json.writeStartObject(); // {"add": {...}, "delete": {...}, "add": ...}: Solr applies them in
      // order
      for (Object op : pending) {
        if (op instanceof Upsert u) {
          json.writeFieldName("add");
          json.writeStartObject();
          json.writeFieldName("doc");
          writeDocument(json, u.record(), u.vector());
          json.writeEndObject();
        } else if (op instanceof Delete d) {
          json.writeFieldName("delete");
          json.writeStartObject();
          json.writeStringField("id", d.id());
          json.writeEndObject();
        }
      }
      json.writeEndObject();
    }
    update(Map.of(), body.toByteArray());
    pending.clear();
  }

  static void writeDocument(JsonGenerator json, ImageRecord r, float[] vector) throws IOException {
    json.writeStartObject();
    for (RecordField f : RecordField.values()) {
      if (f.of(r) == null) continue; // an optional field the file does not have
      switch (f.kind()) {
        case STRING -> json.writeStringField(f.key(), (String) f.of(r));
        case INT, LONG -> json.writeNumberField(f.key(), ((Number) f.of(r)).longValue());
      }
    }
    Long taken = r.takenSortKey(); // the capture-date listing's sort key (undated: no value, last)
    if (taken != null) json.writeNumberField("sort_taken", taken);
    json.writeFieldName("vector");
    json.writeStartArray();
    // The exact value of each float as a double: Solr parses JSON numbers as doubles, then narrows
    // to float
    for (float v : vector) json.writeNumber((double) v);
    json.writeEndArray();
    json.writeStringField(
        "vector_bytes", java.util.Base64.getEncoder().encodeToString(bytes(vector)));
    json.writeEndObject();
  }

  /** Little-endian float32: the stored copy of a vector. */
  static byte[] bytes(float[] vector) {
    java.nio.ByteBuffer buffer =
        java.nio.ByteBuffer.allocate(vector.length * 4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    buffer.asFloatBuffer().put(vector);
    return buffer.array();
  }

  static float[] floats(byte[] bytes) {
    float[] v = new float[bytes.length / 4];
    java.nio.ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
    return v;
  }

  private JsonNode update(Map<String, String> params, byte[] body) throws IOException {
    try {
      return http.send(
          "POST",
          "/" + collection() + "/update",
          params,
          "application/json",
          body,
          Duration.ofMinutes(10));
    } catch (IndexException.Unreachable e) {
      throw e;
    } catch (IndexException e) {
      throw new IndexException("index " + location + " could not be written: " + e.getMessage(), e);
    }
  }

  /**
   * Sends what is buffered, then a hard commit: durable on every replica and visible to every
   * query.
   */
  @Override
  public synchronized void commit() throws IOException {
    requireWritable();
    flush();
    update(
        Map.of("commit", "true", "waitSearcher", "true"),
        "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  /** Merges every shard's index to one segment (one HNSW graph per shard) and commits. */
  @Override
  public synchronized void optimize() throws IOException {
    requireWritable();
    flush();
    try {
      http.send(
          "POST",
          "/" + collection() + "/update",
          Map.of("optimize", "true", "maxSegments", "1", "waitSearcher", "true"),
          "application/json",
          "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8),
          Duration.ofHours(2));
    } catch (IndexException e) {
      throw new IndexException(
          "index " + location + " could not be optimized: " + e.getMessage(), e);
    }
  }

  /** Every request reads the latest commit: nothing to do. */
  @Override
  public void refresh() {}

  @Override
  public Snapshot snapshot() {
    return new SolrSnapshot(this);
  }

  /**
   * No background verification (health says "unsupported", as documented): the nodes verify their
   * replicas' checksums themselves. Running {@link #check} here instead made a replica that is down
   * for a moment (a node restarting) damage for good, stopping the server's searches and writes.
   */
  @Override
  public IndexCheck verify(boolean again) throws IOException {
    throw new IndexException.Unsupported(
        "SolrCloud", "background verification", "the nodes verify their replicas themselves");
  }

  /**
   * Live documents, the model, {@code segments} = shards, {@code bytes} = the index size of every
   * replica of the collection on the live nodes (so about replicas x the data).
   */
  /**
   * Solr keeps its own checksums and replicas, so the check here is of what the cluster reports:
   * the metadata document readable and naming the model; every shard active with an active leader;
   * every replica active (a down replica is damage to report, though queries still answer from the
   * others). Fast and full are the same: verifying every stored byte is Solr's job (CheckIndex on a
   * replica's core).
   */
  @Override
  public IndexCheck check(boolean full) throws IOException {
    Status status = status(http, location);
    List<IndexCheck.Damage> damage = new ArrayList<>();
    if (!status.exists())
      damage.add(new IndexCheck.Damage(null, null, "the collection does not exist"));
    for (Shard shard : status.shardStates() == null ? List.<Shard>of() : status.shardStates()) {
      if (!shard.state().equals("active"))
        damage.add(new IndexCheck.Damage(null, shard.name(), "shard " + shard.state()));
      if (shard.replicas().stream().noneMatch(r -> r.leader() && r.state().equals("active"))) {
        damage.add(new IndexCheck.Damage(null, shard.name(), "no active leader"));
      }
      for (Replica r : shard.replicas()) {
        if (!r.state().equals("active")) {
          damage.add(
              new IndexCheck.Damage(
                  r.name(), shard.name(), "replica on " + r.node() + " is " + r.state()));
        }
      }
    }
    IndexMetadata recorded = null;
    try {
      recorded = readMetadata(http, location);
    } catch (IndexException e) {
      damage.add(new IndexCheck.Damage(METADATA_ID, null, e.getMessage()));
    }
    boolean healthy = damage.isEmpty();
    int replicas = 0;
    for (Shard shard : status.shardStates() == null ? List.<Shard>of() : status.shardStates()) {
      replicas += shard.replicas().size();
    }
    return new IndexCheck(
        location.toString(),
        full ? "full" : "fast",
        healthy,
        recorded == null ? null : recorded.model(),
        healthy ? count() : null,
        0,
        damage,
        healthy
            ? null
            : "restore the replicas or shards through Solr (the Collections API), or re-create the "
                + "collection and index the library again: the photos are the source of truth",
        IndexCheck.details("shards", status.shards(), "replicas", replicas));
  }

  @Override
  public IndexStats stats() throws IOException {
    JsonNode collection =
        http.get(
                "/admin/collections", Map.of("action", "CLUSTERSTATUS", "collection", collection()))
            .path("cluster")
            .path("collections")
            .path(collection());
    int shards = collection.path("shards").size();
    long bytes = 0;
    for (String node : http.nodes()) {
      try { // each node's cores (one per replica it holds), from the core admin API (metrics may be
        // disabled)
        JsonNode cores =
            http.getAt(node, "/admin/cores", Map.of("action", "STATUS")).path("status");
        for (JsonNode core : cores) {
          if (core.path("cloud").path("collection").asText().equals(collection())) {
            bytes += core.path("index").path("sizeInBytes").asLong();
          }
        }
      } catch (IOException e) {
        // a node down: its replicas are not counted
      }
    }
    return new IndexStats(
        count(),
        metadata.model().name(),
        metadata.model().dimensions(),
        metadata.config().quantization().name().toLowerCase(Locale.ROOT),
        shards,
        bytes);
  }

  /** A query to the collection, as a POST (vectors do not fit in a URL). */
  JsonNode select(Map<String, String> params) throws IOException {
    return http.post("/" + collection() + "/select", params);
  }

  static Map<String, String> params(String... keyValues) {
    Map<String, String> p = new LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) p.put(keyValues[i], keyValues[i + 1]);
    return p;
  }

  private void requireWritable() throws IndexException {
    if (readOnly) throw IndexException.readOnly(location.toString());
  }

  /**
   * Commits pending changes (as the embedded index does on close), then releases the HTTP client.
   */
  @Override
  public synchronized void close() throws IOException {
    try {
      if (!readOnly && !pending.isEmpty()) commit();
    } finally {
      http.close();
    }
  }
}
