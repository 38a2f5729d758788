/**
 * The embedded backend of {@link dss.index.ImageIndex}: a Lucene index in one directory ({@link
 * dss.index.lucene.LuceneIndex}), for locations that are a path or a {@code file:} URI ({@link
 * dss.index.lucene.LuceneIndexProvider}, which can also check an index too damaged to open and back
 * one up while it is written).
 *
 * <p>On disk: one document per image (the record's fields, {@link dss.index.RecordField}, as stored
 * fields, plus the terms and sort columns of {@link dss.index.lucene.IndexSchema}), the vector in
 * an HNSW field (float32, or scalar-quantized with the float32 copy kept for rescoring) through
 * {@link dss.index.lucene.VectorCodec}, whose {@link dss.index.lucene.HighDimensionVectorsFormat}
 * lifts Lucene's 1024-dimension cap (the DreamSim ensemble has 1792). Segments name Lucene's
 * built-in formats, so any Lucene 10 reader opens them with the default codec. The {@link
 * dss.index.IndexMetadata} lives in the commit user data and changes atomically with the documents.
 * One writer per directory (Lucene's write lock); readers take no lock.
 *
 * <p>Damage: every Lucene file ends with a CRC32 checksum. {@link
 * dss.index.lucene.LuceneIndex#check} verifies the latest commit (fast: the commit, the metadata
 * and the small files whole, the large files' footers; full: every byte and structure through
 * Lucene's {@code CheckIndex}) without a lock, beside a live writer; a writable instance holds the
 * commit it checks ({@code SnapshotDeletionPolicy}). Opening an index that Lucene finds damaged is
 * an {@link dss.index.IndexException} naming the index and how to recover.
 */
package dss.index.lucene;
