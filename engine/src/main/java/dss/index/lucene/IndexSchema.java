package dss.index.lucene;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.Field;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;

/**
 * The document layout: one document per file path. {@code id}, {@code path} and {@code hash} are indexed terms
 * (lookup by id, path-prefix filter, reuse by content); the rest is stored only. The vector lives only in the HNSW
 * field and is read back from the vector values.
 */
public final class IndexSchema {
  public static final String ID = "id";
  public static final String PATH = "path";
  public static final String HASH = "hash";
  public static final String SIZE = "size";
  public static final String MTIME = "mtime";
  public static final String WIDTH = "width";
  public static final String HEIGHT = "height";
  public static final String FORMAT = "format";
  public static final String INDEXED_AT = "indexed_at";
  public static final String VECTOR = "vector";

  private IndexSchema() {}

  /** The stable id of a path: the first 16 bytes of the SHA-256 of its absolute form, in hex. */
  public static String idFor(String absolutePath) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(absolutePath.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("every JDK has SHA-256", e);
    }
  }

  public static Term idTerm(String id) {
    return new Term(ID, id);
  }

  static Document toDocument(ImageRecord r, float[] unitVector) {
    Document doc = new Document();
    doc.add(new StringField(ID, r.id(), Field.Store.YES));
    doc.add(new StringField(PATH, r.path(), Field.Store.YES));
    doc.add(new StringField(HASH, r.hash(), Field.Store.YES));
    doc.add(new StoredField(SIZE, r.size()));
    doc.add(new StoredField(MTIME, r.mtime()));
    doc.add(new StoredField(WIDTH, r.width()));
    doc.add(new StoredField(HEIGHT, r.height()));
    doc.add(new StoredField(FORMAT, r.format()));
    doc.add(new StoredField(INDEXED_AT, r.indexedAt()));
    doc.add(new KnnFloatVectorField(VECTOR, unitVector, VectorSimilarityFunction.DOT_PRODUCT));
    return doc;
  }

  /** Reads the record of a document (global doc id) from stored fields. */
  public static ImageRecord toRecord(StoredFields fields, int doc) throws java.io.IOException {
    Document d = fields.document(doc);
    return new ImageRecord(d.get(ID), d.get(PATH), d.get(HASH),
        d.getField(SIZE).numericValue().longValue(), d.getField(MTIME).numericValue().longValue(),
        d.getField(WIDTH).numericValue().intValue(), d.getField(HEIGHT).numericValue().intValue(),
        d.get(FORMAT), d.getField(INDEXED_AT).numericValue().longValue());
  }
}
