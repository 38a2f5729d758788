/**
 * Step 1 of the data flow: a file's bytes become the model's input.
 *
 * <p>{@link dss.image.ImagePipeline} sniffs the format from the content ({@link
 * dss.image.FormatSniffer}, never the file name), refuses files above the size limit before reading
 * them and maps the rest rather than copying them into the heap, refuses images above the pixel
 * limit (lower for uploads) from the header before any pixel is decoded (decompression bombs),
 * decodes (JPEG at reduced size in the DCT domain through libjpeg-turbo when large enough; HEIC,
 * HEIF and AVIF through the system's libheif, which applies their irot/imir; camera RAW through its
 * largest embedded JPEG preview, found by {@link dss.image.RawPreview} in pure Java), applies EXIF
 * orientation (never to HEIF files), and reproduces DreamSim's preprocessing: Pillow's {@code
 * convert("RGB")} and antialiased bicubic squash to 224x224 ({@link dss.image.PillowResize},
 * bit-exact), scaled to [0, 1], CHW. {@link dss.image.ImagePipeline#exact} is DreamSim's official
 * path instead: full-size decoding, no EXIF rotation.
 *
 * <p>GIF is read by {@link dss.image.GifFirstFrame} (the first frame on its logical screen, as
 * Pillow shows it); a file of no supported format is described for the skipped-files list by {@link
 * dss.image.OtherFormats}.
 *
 * <p>Contract: every failure is an {@link dss.image.ImageException} naming the input and the
 * reason, one sentence naming the format, never Java's own exception text ({@link
 * dss.image.DecoderMessages}); nothing else escapes, whatever the bytes (a caller that maps a file
 * itself, {@link dss.image.ImagePipeline#map}, also handles the {@code InternalError} of a file
 * truncated under its mapping). Thread-safe; no state between calls. Depends on nothing else in the
 * project. {@link dss.image.NativeCodecs} says which native libraries (libturbojpeg, libheif) this
 * process could load; OpenCV's, bundled in its jar, is loaded from one copy in the user's cache
 * folder ({@code NativeLibraryCache}).
 */
package dss.image;
