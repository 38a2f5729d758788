package dss.model;

/**
 * What an index records about the model that made its vectors; a different model cannot share an
 * index.
 */
public record ModelInfo(String name, String variant, int dimensions, String checksum) {}
