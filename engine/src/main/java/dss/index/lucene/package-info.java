/**
 * The embedded backend of {@link dss.index.ImageIndex}: a Lucene index in one directory
 * ({@link dss.index.lucene.LuceneIndex}).
 *
 * <p>On disk: one document per image ({@link dss.index.lucene.IndexSchema} lists the fields), the vector in an HNSW
 * field (float32, or scalar-quantized with the float32 copy kept for rescoring) through
 * {@link dss.index.lucene.VectorCodec}, whose {@link dss.index.lucene.HighDimensionVectorsFormat} lifts Lucene's
 * 1024-dimension cap (the DreamSim ensemble has 1792). Segments name Lucene's built-in formats, so any Lucene 10
 * reader opens them with the default codec. The {@link dss.index.IndexMetadata} lives in the commit user data and
 * changes atomically with the documents. One writer per directory (Lucene's write lock); readers take no lock.
 */
package dss.index.lucene;
