package dss.ingest;

import dss.image.FormatSniffer;
import java.io.IOException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * Finds the candidate files of a library without reading them: regular files under the roots,
 * following symbolic links but never around a loop, skipping hidden files and folders (name
 * starting with '.') unless asked.
 *
 * <p>A symbolic link that cannot be followed and is named like an image ({@link
 * FormatSniffer#namedLikeImage}) is a problem, reported with its reason: "broken symbolic link
 * (...)" when its target does not exist, "symbolic link loop (...)" when following it comes back to
 * a link already followed. Such links with other names are skipped, as other files not named like
 * images are. A folder link leading back to a folder being walked is not a problem: its files are
 * seen through the real path.
 *
 * <p>Globs ({@code --include}, {@code --exclude}) use {@link
 * java.nio.file.FileSystem#getPathMatcher} glob syntax. A glob matches either the file name ({@code
 * *.jpg}) or the path relative to its root ({@code 2020/**}). A file is a candidate when it matches
 * some include (or there are none) and no exclude.
 */
public final class FileWalker {
  /**
   * A folder or file the walk could not enter, with the reason (reported as a failure, the walk
   * goes on).
   */
  public interface Problems {
    void report(Path path, String reason);
  }

  private final List<PathMatcher> includes;
  private final List<PathMatcher> excludes;
  private final boolean includeHidden;

  public FileWalker(List<String> includeGlobs, List<String> excludeGlobs, boolean includeHidden) {
    this.includes = includeGlobs.stream().map(FileWalker::matcher).toList();
    this.excludes = excludeGlobs.stream().map(FileWalker::matcher).toList();
    this.includeHidden = includeHidden;
  }

  /**
   * Calls {@code visit} with each candidate file (absolute, normalised) and its attributes, root by
   * root.
   */
  public void walk(List<Path> roots, BiConsumer<Path, BasicFileAttributes> visit, Problems problems)
      throws IOException {
    for (Path root : roots) {
      Path absRoot = root.toAbsolutePath().normalize();
      if (!Files.exists(absRoot)) {
        problems.report(absRoot, "no such file or folder");
        continue;
      }
      Files.walkFileTree(
          absRoot,
          EnumSet.of(FileVisitOption.FOLLOW_LINKS),
          Integer.MAX_VALUE,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
              return !dir.equals(absRoot) && hidden(dir)
                  ? FileVisitResult.SKIP_SUBTREE
                  : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
              if (hidden(file) || !selected(absRoot, file)) return FileVisitResult.CONTINUE;
              if (attrs.isRegularFile()) {
                visit.accept(file, attrs);
              } else if (attrs.isSymbolicLink()
                  && FormatSniffer.namedLikeImage(file.getFileName().toString())) {
                // Links are followed, so the walk sees a link itself only when following it failed
                problems.report(file, brokenLink(file));
              }
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
              // A symlink loop is not an error: the files were (or will be) seen through the real
              // path.
              if (!(e instanceof FileSystemLoopException))
                problems.report(file, "cannot read: " + describe(e));
              return FileVisitResult.CONTINUE;
            }
          });
    }
  }

  /** Links followed before a chain counts as a loop (Linux's own limit is 40). */
  private static final int MAX_LINKS = 40;

  /**
   * Why a symbolic link cannot be followed: a missing target, a loop, or what the file system says.
   */
  static String brokenLink(Path link) {
    Set<Path> seen = new HashSet<>();
    Path p = link;
    try {
      while (Files.isSymbolicLink(p)) {
        if (!seen.add(p.toAbsolutePath().normalize()) || seen.size() > MAX_LINKS) {
          return "symbolic link loop ("
              + Files.readSymbolicLink(link)
              + " leads back to a link already followed)";
        }
        p = p.resolveSibling(Files.readSymbolicLink(p));
      }
      Files.readAttributes(p, BasicFileAttributes.class);
      return "cannot follow symbolic link"; // it works now: changed during the walk
    } catch (NoSuchFileException e) {
      return "broken symbolic link (its target " + target(link) + " does not exist)";
    } catch (IOException e) {
      return "cannot follow symbolic link: " + describe(e);
    }
  }

  private static String target(Path link) {
    try {
      return Files.readSymbolicLink(link).toString();
    } catch (IOException e) {
      return "?";
    }
  }

  private boolean hidden(Path p) {
    return !includeHidden && p.getFileName() != null && p.getFileName().toString().startsWith(".");
  }

  private boolean selected(Path root, Path file) {
    Path relative = root.relativize(file);
    return (includes.isEmpty() || includes.stream().anyMatch(m -> matches(m, file, relative)))
        && excludes.stream().noneMatch(m -> matches(m, file, relative));
  }

  private static boolean matches(PathMatcher m, Path file, Path relative) {
    return m.matches(file.getFileName()) || m.matches(relative);
  }

  private static PathMatcher matcher(String glob) {
    return FileSystems.getDefault().getPathMatcher("glob:" + glob);
  }

  public static String describe(IOException e) {
    String type = e.getClass().getSimpleName().replace("Exception", "");
    return e.getMessage() == null ? type : type + " (" + e.getMessage() + ")";
  }
}
