package dss.image;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import javax.imageio.ImageReader;
import javax.imageio.metadata.IIOMetadataNode;
import org.w3c.dom.Node;

/**
 * The first frame of a GIF as Pillow shows it: drawn at its offset on the logical screen (the image's size), the
 * screen around it filled with the frame's transparent colour index when it has one, else index 0, and the indices
 * mapped through the frame's palette ({@code convert('RGB')} ignores transparency). JDK ImageIO returns the frame
 * alone, at the frame's own size.
 */
final class GifFirstFrame {
  private GifFirstFrame() {}

  static RgbImage compose(ImageReader reader, byte[] bytes) throws IOException {
    BufferedImage frame = reader.read(0);
    int screenWidth = (bytes[6] & 0xff) | (bytes[7] & 0xff) << 8;
    int screenHeight = (bytes[8] & 0xff) | (bytes[9] & 0xff) << 8;
    int[] offset = {0, 0};
    int transparent = -1;
    Node root = reader.getImageMetadata(0).getAsTree("javax_imageio_gif_image_1.0");
    for (Node n = root.getFirstChild(); n != null; n = n.getNextSibling()) {
      IIOMetadataNode node = (IIOMetadataNode) n;
      if (n.getNodeName().equals("ImageDescriptor")) {
        offset[0] = Integer.parseInt(node.getAttribute("imageLeftPosition"));
        offset[1] = Integer.parseInt(node.getAttribute("imageTopPosition"));
      } else if (n.getNodeName().equals("GraphicControlExtension")
          && Boolean.parseBoolean(node.getAttribute("transparentColorFlag"))) {
        transparent = Integer.parseInt(node.getAttribute("transparentColorIndex"));
      }
    }
    if (!(frame.getColorModel() instanceof IndexColorModel palette)) {
      return ImageIoDecoder.toRgb(frame);
    }
    // Pillow's image is the screen when the frame fits in it, else the frame's own extent from the screen's origin
    int w = Math.max(screenWidth, offset[0] + frame.getWidth());
    int h = Math.max(screenHeight, offset[1] + frame.getHeight());
    if (screenWidth == 0 || screenHeight == 0) {
      w = frame.getWidth();
      h = frame.getHeight();
      offset = new int[] {0, 0};
    }
    int[] lut = new int[256];
    for (int i = 0; i < 256; i++) {
      lut[i] = i << 16 | i << 8 | i; // Pillow's palette beyond the file's colours: a grey ramp
    }
    int[] colours = new int[palette.getMapSize()];
    palette.getRGBs(colours);
    System.arraycopy(colours, 0, lut, 0, Math.min(256, colours.length));
    int fill = lut[transparent >= 0 && transparent < 256 ? transparent : 0];
    RgbImage out = new RgbImage(w, h);
    byte[] rgb = out.rgb();
    for (int i = 0; i < rgb.length; i += 3) {
      rgb[i] = (byte) (fill >> 16);
      rgb[i + 1] = (byte) (fill >> 8);
      rgb[i + 2] = (byte) fill;
    }
    Raster raster = frame.getRaster();
    int[] row = new int[frame.getWidth()];
    for (int y = 0; y < frame.getHeight(); y++) {
      int ty = y + offset[1];
      if (ty >= h) {
        break;
      }
      raster.getSamples(0, y, frame.getWidth(), 1, 0, row);
      for (int x = 0; x < row.length && x + offset[0] < w; x++) {
        int c = lut[row[x] & 0xff];
        int o = (ty * w + x + offset[0]) * 3;
        rgb[o] = (byte) (c >> 16);
        rgb[o + 1] = (byte) (c >> 8);
        rgb[o + 2] = (byte) c;
      }
    }
    return out;
  }
}
