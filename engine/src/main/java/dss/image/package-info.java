/**
 * Step 1 of the data flow: a file's bytes become the model's input.
 *
 * <p>{@link dss.image.ImagePipeline} sniffs the format from the content ({@link dss.image.FormatSniffer}, never the
 * file name), refuses files above the size limit before reading them and maps the rest rather than copying them
 * into the heap, refuses images above the pixel limit (lower for uploads) from the header before any pixel is
 * decoded (decompression bombs), decodes (JPEG at reduced size in the DCT domain through libjpeg-turbo when large enough), applies EXIF
 * orientation, and reproduces DreamSim's preprocessing: Pillow's {@code convert("RGB")} and antialiased bicubic
 * squash to 224x224 ({@link dss.image.PillowResize}, bit-exact), scaled to [0, 1], CHW.
 *
 * <p>Contract: every failure is an {@link dss.image.ImageException} naming the input and the reason; nothing else
 * escapes, whatever the bytes (a caller that maps a file itself, {@link dss.image.ImagePipeline#map}, also handles
 * the {@code InternalError} of a file truncated under its mapping). Thread-safe; no state between calls. Depends on nothing else in the project.
 */
package dss.image;
