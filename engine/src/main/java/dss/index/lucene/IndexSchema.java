package dss.index.lucene;

import dss.index.ImageRecord;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.SortedDocValuesField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.Field;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.util.BytesRef;

/**
 * The document layout, part of the on-disk format: one document per file path. {@code id}, {@code path} and
 * {@code hash} are indexed string terms (lookup by id, path-prefix filter, reuse by content) and stored;
 * {@code size}, {@code mtime}, {@code width}, {@code height}, {@code format} and {@code indexed_at} are stored only;
 * {@code vector} is a float32 HNSW field (DOT_PRODUCT of unit vectors), read back from the vector values.
 * {@code sort_path} and {@code sort_mtime} are doc values copies of the path and mtime for the sorted listing
 * (their own names: Lucene refuses doc values on a field that older documents of the index have without them).
 * Indexes written before they existed lack them: {@link LuceneSnapshot#list} then falls back to a full scan.
 */
final class IndexSchema {
  static final String ID = "id";
  static final String PATH = "path";
  static final String HASH = "hash";
  static final String SIZE = "size";
  static final String MTIME = "mtime";
  static final String WIDTH = "width";
  static final String HEIGHT = "height";
  static final String FORMAT = "format";
  static final String INDEXED_AT = "indexed_at";
  static final String VECTOR = "vector";
  static final String SORT_PATH = "sort_path";
  static final String SORT_MTIME = "sort_mtime";

  private IndexSchema() {}

  static Term idTerm(String id) {
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
    doc.add(new SortedDocValuesField(SORT_PATH, new BytesRef(r.path())));
    doc.add(new NumericDocValuesField(SORT_MTIME, r.mtime()));
    doc.add(new KnnFloatVectorField(VECTOR, unitVector, VectorSimilarityFunction.DOT_PRODUCT));
    return doc;
  }

  /** Reads the record of a document (global doc id) from stored fields. */
  static ImageRecord toRecord(StoredFields fields, int doc) throws java.io.IOException {
    Document d = fields.document(doc);
    return new ImageRecord(d.get(ID), d.get(PATH), d.get(HASH),
        d.getField(SIZE).numericValue().longValue(), d.getField(MTIME).numericValue().longValue(),
        d.getField(WIDTH).numericValue().intValue(), d.getField(HEIGHT).numericValue().intValue(),
        d.get(FORMAT), d.getField(INDEXED_AT).numericValue().longValue());
  }
}
