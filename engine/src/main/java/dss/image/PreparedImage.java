package dss.image;

/**
 * An image ready for the model: DreamSim's preprocess output (RGB, 224x224 squash, [0,1], CHW) plus
 * what the index records about the source. {@code width}/{@code height} are the original's, after
 * EXIF orientation; {@code capture} is the file's EXIF capture date and camera ({@link
 * Capture#NONE} when it has none).
 */
public record PreparedImage(
    String format, int width, int height, float[] tensor, Capture capture) {}
