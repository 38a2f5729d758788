package dss.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dss.image.ImagePipeline;
import dss.image.PreparedImage;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

/**
 * The benchmark's DNG wrapper is read by the pipeline as a DNG whose preview is the wrapped JPEG.
 */
class DngWrapperTest {
  @Test
  void theWrappedJpegIsTheDngsPreview() throws Exception {
    byte[] jpeg;
    try (InputStream in =
        DngWrapperTest.class.getResourceAsStream("/images/parity/wide-1600x900.jpg")) {
      jpeg = in.readAllBytes();
    }
    ImagePipeline pipeline = new ImagePipeline();
    PreparedImage dng = pipeline.prepare(DngWrapper.wrap(jpeg), "photo.dng");
    assertEquals("dng 1600x900", dng.format() + " " + dng.width() + "x" + dng.height());
    assertArrayEquals(pipeline.prepare(jpeg, "photo.jpg").tensor(), dng.tensor());
  }
}
