package dss.index;

/**
 * What {@code dreamsim stats} reports: live documents, the model, vector storage, segments (Lucene;
 * shards or 1 elsewhere) and bytes on disk.
 */
public record IndexStats(
    long documents, String model, int dimensions, String quantization, int segments, long bytes) {}
