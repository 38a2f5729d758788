package dss.eval;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * A folder of images labelled by file name: {@code GROUP__anything.ext} belongs to group {@code
 * GROUP} (the text before the first double underscore). A file without {@code __} is a distractor:
 * a group of its own. Subfolders are read too; hidden files are skipped. This is the layout {@code
 * eval make-copies} writes.
 */
public final class LabelledSet {
  public static final String SEPARATOR = "__";

  private LabelledSet() {}

  public record Entry(Path file, String group) {}

  /** Every regular, non-hidden file under {@code dir}, sorted by path, with its group label. */
  public static List<Entry> read(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) throw new IOException(dir + ": not a directory");
    try (Stream<Path> files = Files.walk(dir)) {
      return files
          .filter(Files::isRegularFile)
          .filter(p -> !p.getFileName().toString().startsWith("."))
          .sorted()
          .map(p -> new Entry(p, label(p.getFileName().toString())))
          .toList();
    }
  }

  /** The group of a file name: the text before the first {@code __}, else the whole name. */
  public static String label(String fileName) {
    int cut = fileName.indexOf(SEPARATOR);
    return cut > 0 ? fileName.substring(0, cut) : fileName;
  }
}
