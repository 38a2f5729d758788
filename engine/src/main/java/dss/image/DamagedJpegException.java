package dss.image;

/**
 * A JPEG whose data libjpeg had to conceal (a warning such as "Corrupt JPEG data: bad Huffman
 * code"), met while decoding at a reduced size: the concealed blocks differ from those of a
 * full-size decode, which is what Pillow produces (1.36/255 from Pillow on a damaged camera JPEG at
 * 1/8 size, 0 at full size), so {@link ImagePipeline} decodes such a file again at full size. Never
 * reaches callers of the pipeline.
 */
final class DamagedJpegException extends ImageException {
  DamagedJpegException(String file, String warning) {
    super(file, "damaged JPEG data (" + warning + ")");
  }
}
