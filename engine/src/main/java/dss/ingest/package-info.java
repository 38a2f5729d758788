/**
 * The ingest pipeline: the one way images become vectors, for bulk indexing, background indexing in the server,
 * single uploads, the {@code embed} command and the evaluation harness.
 *
 * <p>{@link dss.ingest.IngestPipeline} is the mechanics: walk, parallel read/decode/preprocess, batched embedding
 * through the one shared {@link dss.ingest.ModelStage}, write, with bounded queues (back-pressure, flat memory);
 * per-item failures (including an out-of-memory decode) are contained and reported as {@link dss.ingest.Failure}s.
 * One-image calls decode on a bounded pool and get a {@link dss.ingest.BusyException} when it is full.
 * {@link dss.ingest.LibraryIndexer} is the policy of a bulk run over an {@link dss.index.ImageIndex}: unchanged
 * files skipped without reading, byte-identical copies reuse their vector, vanished files removed, commits on a
 * schedule. {@link dss.ingest.FileWalker} finds candidate files.
 *
 * <p>Depends on {@code dss.image}, {@code dss.model} and the {@code dss.index} interface, never on a backend.
 */
package dss.ingest;
