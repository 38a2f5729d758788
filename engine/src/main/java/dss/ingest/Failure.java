package dss.ingest;

/**
 * A file (or upload) that could not be embedded or indexed, and why: the path and a one-line
 * reason.
 */
public record Failure(String path, String error) {}
