package dss.index;

import java.util.function.Function;

/**
 * The fields of an {@link ImageRecord} as backends store them: one list, in the record's order, so
 * that a new field is added here and in {@link ImageRecord} and every backend stores and reads it
 * (Lucene's stored fields, Solr's documents and their schema, checked by a test). Backends add
 * their own fields for searching and sorting. {@link #isOptional() Optional} fields may be null
 * (backends then store nothing); a record written before {@link #RECORD_VERSION} existed reads as
 * version 1.
 */
public enum RecordField {
  ID("id", Kind.STRING, ImageRecord::id),
  PATH("path", Kind.STRING, ImageRecord::path),
  HASH("hash", Kind.STRING, ImageRecord::hash),
  SIZE("size", Kind.LONG, ImageRecord::size),
  MTIME("mtime", Kind.LONG, ImageRecord::mtime),
  WIDTH("width", Kind.INT, ImageRecord::width),
  HEIGHT("height", Kind.INT, ImageRecord::height),
  FORMAT("format", Kind.STRING, ImageRecord::format),
  INDEXED_AT("indexed_at", Kind.LONG, ImageRecord::indexedAt),
  TAKEN_AT("taken_at", Kind.STRING, ImageRecord::takenAt),
  CAMERA_MAKE("camera_make", Kind.STRING, ImageRecord::cameraMake),
  CAMERA_MODEL("camera_model", Kind.STRING, ImageRecord::cameraModel),
  RECORD_VERSION("record_version", Kind.INT, ImageRecord::recordVersion);

  /** How a field's value is stored. */
  public enum Kind {
    STRING,
    INT,
    LONG
  }

  private final String key;
  private final Kind kind;
  private final Function<ImageRecord, Object> value;

  RecordField(String key, Kind kind, Function<ImageRecord, Object> value) {
    this.key = key;
    this.kind = kind;
    this.value = value;
  }

  /** Whether the value may be null: the capture date and camera, absent from many files. */
  public boolean isOptional() {
    return this == TAKEN_AT || this == CAMERA_MAKE || this == CAMERA_MODEL;
  }

  /** The stored field's name (snake_case, as in the JSON answers). */
  public String key() {
    return key;
  }

  public Kind kind() {
    return kind;
  }

  /** This field of {@code record}: a String, Integer or Long as {@link #kind()} says. */
  public Object of(ImageRecord record) {
    return value.apply(record);
  }

  /** Every field's key, joined by {@code separator} (Solr's {@code fl}). */
  public static String keys(String separator) {
    StringBuilder out = new StringBuilder();
    for (RecordField f : values()) out.append(out.isEmpty() ? "" : separator).append(f.key);
    return out.toString();
  }

  /** Reads stored values back. */
  @FunctionalInterface
  public interface Source {
    /**
     * The stored value of {@code field}: a String for strings, any Number for numbers; null when
     * the document has no such field.
     */
    Object get(RecordField field) throws java.io.IOException;
  }

  /** The record whose fields {@code source} holds. */
  public static ImageRecord read(Source source) throws java.io.IOException {
    Object[] v = new Object[values().length];
    for (RecordField f : values()) {
      Object raw = source.get(f);
      if (raw == null && (f.isOptional() || f == RECORD_VERSION)) {
        v[f.ordinal()] = f == RECORD_VERSION ? 1 : null; // written before the field existed
        continue;
      }
      v[f.ordinal()] =
          switch (f.kind) {
            case STRING -> (String) raw;
            case INT -> ((Number) raw).intValue();
            case LONG -> ((Number) raw).longValue();
          };
    }
    return new ImageRecord(
        (String) v[0],
        (String) v[1],
        (String) v[2],
        (Long) v[3],
        (Long) v[4],
        (Integer) v[5],
        (Integer) v[6],
        (String) v[7],
        (Long) v[8],
        (String) v[9],
        (String) v[10],
        (String) v[11],
        (Integer) v[12]);
  }
}
