/**
 * The ingest engine: the one way images become vectors, for bulk indexing, background indexing in
 * the server, single uploads, the {@code embed} command and the evaluation harness.
 *
 * <p>{@link dss.ingest.IngestPipeline} is the entry point and owns the process's one {@link
 * dss.ingest.ModelStage}: one model thread batching every caller's tensors, with an interactive
 * lane served before queued bulk work (an upload waits at most for the batch in flight). Three
 * kinds of work use it:
 *
 * <ul>
 *   <li>request-time decodes (uploads): {@link dss.ingest.RequestDecoders}, a bounded pool that
 *       answers {@link dss.ingest.BusyException} when full;
 *   <li>the ordered embedding of a list of files: {@link dss.ingest.FileEmbedding};
 *   <li>a bulk run: {@link dss.ingest.BulkRun}, the mechanics (walk, parallel decode, the model's
 *       bulk lane, write, bounded in-flight items so memory stays flat, per-item failures contained
 *       and reported, an out-of-memory decode included), driving a {@link dss.ingest.BulkJob}, the
 *       policy.
 * </ul>
 *
 * {@link dss.ingest.LibraryIndexer} is the policy of a bulk run over an {@link
 * dss.index.ImageIndex}: unchanged files skipped without reading, byte-identical copies reuse their
 * vector, vanished files removed, commits on a schedule; {@link dss.ingest.FileWalker} finds
 * candidate files; {@link dss.ingest.BackgroundIndexing} reruns it on a schedule for a server.
 * {@link dss.ingest.ImageEdits} adds one image (stored in the upload folder, upserted, committed,
 * rolled back on failure) or removes one. The model is reached through {@link
 * dss.ingest.BatchEmbedder}, so the mechanics can be tested with a counting fake.
 *
 * <p>Depends on {@code dss.image}, {@code dss.model} and the {@code dss.index} interface, never on
 * a backend.
 */
package dss.ingest;
