package dss.image;

import java.io.EOFException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns what a decoder library threw into a short reason a person can read: its message when it is
 * a plain sentence about the file, a fixed phrase when it is Java's own text (class names, casts,
 * indices), which says nothing to someone holding the photo.
 */
final class DecoderMessages {
  /** Java's text: exception and class names, casts, array indices, internal stream states. */
  private static final Pattern JAVA_TEXT =
      Pattern.compile(
          "java\\.|javax\\.|\\bclass \\[|Exception|Error\\b|\\bindex\\b|[Ii]ndex \\d|out of bounds|flushedPos|null");

  private static final Pattern TIFF_COMPRESSION =
      Pattern.compile("Unknown TIFF Compression value: (\\d+)");

  /** TIFF compression codes that exist in the wild but are not read here. */
  private static final List<String[]> TIFF_CODECS =
      List.of(
          new String[] {"50001", "WebP"},
          new String[] {"34925", "LZMA"},
          new String[] {"50000", "Zstandard"},
          new String[] {"34887", "LERC"},
          new String[] {"34892", "lossy JPEG (DNG)"},
          new String[] {"34712", "JPEG 2000"});

  private DecoderMessages() {}

  /**
   * A reason for a decoder's failure: plain text from the library, or "the decoder could not read
   * its data".
   */
  static String of(Throwable e) {
    if (e instanceof EOFException) {
      return "unexpected end of file";
    }
    String message = e.getMessage();
    if (message == null || message.isBlank() || JAVA_TEXT.matcher(message).find()) {
      return "its data is damaged or in a variant the decoder cannot read";
    }
    Matcher tiff = TIFF_COMPRESSION.matcher(message);
    if (tiff.find()) {
      String code = tiff.group(1);
      String name =
          TIFF_CODECS.stream()
              .filter(c -> c[0].equals(code))
              .map(c -> c[1])
              .findFirst()
              .orElse("code " + code);
      return "compressed with " + name + ", which this decoder does not read";
    }
    message = message.strip();
    if (message.endsWith(".") || message.endsWith("!")) {
      message = message.substring(0, message.length() - 1);
    }
    if (message.isEmpty()) {
      return "its data is damaged";
    }
    boolean word =
        message.length() > 1 && Character.isLowerCase(message.charAt(1)); // not "I/O", "PNG"
    return word ? message.substring(0, 1).toLowerCase(Locale.ROOT) + message.substring(1) : message;
  }
}
