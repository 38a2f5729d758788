package dss.index.lucene;

import dss.index.ImageRecord;
import dss.index.RecordField;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.lucene.document.BinaryDocValuesField;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.SortedDocValuesField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.store.ByteArrayDataInput;
import org.apache.lucene.store.ByteBuffersDataOutput;
import org.apache.lucene.util.BytesRef;

/**
 * The document layout, part of the on-disk format: one document per file path. {@code id}, {@code
 * path} and {@code hash} are indexed string terms (lookup by id, path-prefix filter, reuse by
 * content) and stored; {@code size}, {@code mtime}, {@code width}, {@code height}, {@code format}
 * and {@code indexed_at} are stored only; {@code vector} is a float32 HNSW field (DOT_PRODUCT of
 * unit vectors), read back from the vector values. {@code sort_path} and {@code sort_mtime} are doc
 * values copies of the path and mtime for the sorted listing (their own names: Lucene refuses doc
 * values on a field that older documents of the index have without them). Indexes written before
 * they existed lack them: {@link LuceneSnapshot#list} then falls back to a full scan. {@code
 * taken_at}, {@code camera_make} and {@code camera_model} are stored only, and only when the file
 * has them; {@code sort_undated} (0 with a capture date, 1 without) and {@code sort_taken} ({@link
 * dss.index.TakenAt#sortKey}, 0 without) are the doc values of the capture-date listing: undated
 * images after dated ones in both directions.
 */
final class IndexSchema {
  static final String ID = RecordField.ID.key();
  static final String PATH = RecordField.PATH.key();
  static final String HASH = RecordField.HASH.key();
  static final String VECTOR = "vector";
  static final String SORT_PATH = "sort_path";
  static final String SORT_MTIME = "sort_mtime";
  static final String SORT_UNDATED = "sort_undated";
  static final String SORT_TAKEN = "sort_taken";

  /**
   * A compact copy of the stored record in binary doc values ({@link #encode}), which the k-NN call
   * and the listing read for their hits: random access to a few dozen bytes instead of
   * decompressing a stored-fields block (many documents) per hit. Documents written before it
   * existed are read from the stored fields.
   */
  static final String RECORD = "record";

  /** The encoding's version, first byte of every {@link #RECORD} value. */
  private static final byte RECORD_ENCODING = 1;

  private IndexSchema() {}

  static Term idTerm(String id) {
    return new Term(ID, id);
  }

  static Document toDocument(ImageRecord r, float[] unitVector) {
    Document doc = new Document();
    for (RecordField f : RecordField.values()) {
      Object value = f.of(r);
      if (value == null) continue; // an optional field the file does not have
      doc.add(
          switch (f) {
            case ID, PATH, HASH ->
                new StringField(f.key(), (String) value, Field.Store.YES); // looked up by term
            default ->
                switch (f.kind()) {
                  case STRING -> new StoredField(f.key(), (String) value);
                  case INT -> new StoredField(f.key(), (Integer) value);
                  case LONG -> new StoredField(f.key(), (Long) value);
                };
          });
    }
    doc.add(new SortedDocValuesField(SORT_PATH, new BytesRef(r.path())));
    doc.add(new NumericDocValuesField(SORT_MTIME, r.mtime()));
    Long taken = r.takenSortKey();
    doc.add(new NumericDocValuesField(SORT_UNDATED, taken == null ? 1 : 0));
    doc.add(new NumericDocValuesField(SORT_TAKEN, taken == null ? 0 : taken));
    doc.add(new BinaryDocValuesField(RECORD, encode(r)));
    doc.add(new KnnFloatVectorField(VECTOR, unitVector, VectorSimilarityFunction.DOT_PRODUCT));
    return doc;
  }

  /** Reads the record of a document (global doc id) from stored fields. */
  static ImageRecord toRecord(StoredFields fields, int doc) throws java.io.IOException {
    Document d = fields.document(doc);
    return RecordField.read(
        f ->
            f.kind() == RecordField.Kind.STRING
                ? d.get(f.key())
                : d.getField(f.key()) == null ? null : d.getField(f.key()).numericValue());
  }

  /**
   * The record as bytes: the encoding version, the number of fields, then each {@link RecordField}
   * in order, a presence byte and its value (strings as Lucene's modified UTF-8 with a length,
   * numbers zig-zag variable-length). A later field appended to {@link RecordField} reads as absent
   * from older values.
   */
  static BytesRef encode(ImageRecord r) {
    ByteBuffersDataOutput out = new ByteBuffersDataOutput(128);
    try {
      out.writeByte(RECORD_ENCODING);
      out.writeVInt(RecordField.values().length);
      for (RecordField f : RecordField.values()) {
        Object value = f.of(r);
        out.writeByte((byte) (value == null ? 0 : 1));
        if (value == null) continue;
        switch (f.kind()) {
          case STRING -> out.writeString((String) value);
          case INT -> out.writeZInt((Integer) value);
          case LONG -> out.writeZLong((Long) value);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e); // an in-memory output does not fail
    }
    return new BytesRef(out.toArrayCopy());
  }

  /** The record {@link #encode} wrote. */
  static ImageRecord decode(BytesRef bytes) throws IOException {
    ByteArrayDataInput in = new ByteArrayDataInput(bytes.bytes, bytes.offset, bytes.length);
    if (in.readByte() != RECORD_ENCODING) throw new IOException("unknown record encoding");
    int count = in.readVInt();
    Object[] values = new Object[RecordField.values().length];
    for (int i = 0; i < count; i++) {
      RecordField f = RecordField.values()[i];
      if (in.readByte() == 0) continue;
      values[i] =
          switch (f.kind()) {
            case STRING -> in.readString();
            case INT -> in.readZInt();
            case LONG -> in.readZLong();
          };
    }
    return RecordField.read(f -> values[f.ordinal()]);
  }
}
