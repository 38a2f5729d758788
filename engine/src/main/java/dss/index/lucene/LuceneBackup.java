package dss.index.lucene;

import dss.index.IndexBackup;
import dss.index.IndexException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.lucene.index.SegmentCommitInfo;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.IOUtils;

/**
 * A consistent copy of the latest commit of a Lucene index, while a writer in another process may
 * go on ({@link LuceneIndex#backup}).
 *
 * <p>Lucene never changes a file once written, and a commit is the set of files its {@code
 * segments_N} names. So the backup reads the latest commit, hard-links (or copies) each of its
 * files into a staging folder beside the destination, and renames the staging folder to the
 * destination when all are there: the destination appears whole or not at all. A file that vanished
 * meanwhile was deleted by a newer commit that merged it away: the staging folder is emptied and
 * the newer commit copied instead. Written files and the folder are synced to disk before the
 * rename; the copy is then checked in full ({@link LuceneIndexCheck}). No lock is taken and nothing
 * is written into the index.
 */
final class LuceneBackup {
  /**
   * Commits replaced during the copy before giving up (a writer committing faster than files can be
   * linked).
   */
  private static final int ATTEMPTS = 20;

  private LuceneBackup() {}

  /**
   * @param afterListing runs after each listing of the commit's files, before they are placed
   *     (tests)
   */
  /**
   * Files beside the index that hold a person's decisions, copied along (as they are at the end of
   * the copy): the duplicate review's "not duplicates" ({@code dss.review.Dismissals}).
   */
  static final List<String> SIDECARS = List.of("dismissals.jsonl");

  static IndexBackup latest(Path source, Path dest, boolean copy, Runnable afterListing)
      throws IOException {
    Path index = source.toAbsolutePath().normalize();
    Path target = dest.toAbsolutePath().normalize();
    if (!Files.isDirectory(index)) throw IndexException.missing(source.toString());
    if (target.startsWith(index)) {
      throw new IndexException(
          "backup " + dest + " is inside the index " + source + "; choose a folder outside it");
    }
    if (Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      throw new IndexException(
          "backup "
              + dest
              + " already exists; give a new folder (a backup never overwrites"
              + " anything)");
    }
    Path parent = Files.createDirectories(target.getParent());
    Path staging = parent.resolve("." + target.getFileName() + ".partial-" + UUID.randomUUID());
    try (Directory dir = FSDirectory.open(index)) {
      boolean link = !copy;
      for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
        String segmentsFile = SegmentInfos.getLastCommitSegmentsFileName(dir.listAll());
        if (segmentsFile == null) throw IndexException.missing(source.toString());
        SegmentInfos infos;
        try {
          infos = SegmentInfos.readCommit(dir, segmentsFile);
        } catch (NoSuchFileException | FileNotFoundException e) {
          continue; // replaced between listing and reading
        } catch (IOException e) {
          throw IndexException.damaged(source.toString(), e);
        }
        Collection<String> files = infos.files(true);
        afterListing.run();
        deleteTree(staging);
        Files.createDirectory(staging);
        int linked = 0, copied = 0;
        long bytes = 0;
        try {
          for (String file : files) {
            Path from = index.resolve(file), to = staging.resolve(file);
            if (link) {
              try {
                Files.createLink(to, from);
                linked++;
                bytes += Files.size(to);
                continue;
              } catch (NoSuchFileException e) {
                throw e;
              } catch (IOException | UnsupportedOperationException e) {
                link = false; // another file system, or no hard links there: copy this file and the
                // rest
              }
            }
            Files.copy(from, to, StandardCopyOption.COPY_ATTRIBUTES);
            IOUtils.fsync(to, false);
            copied++;
            bytes += Files.size(to);
          }
        } catch (NoSuchFileException e) {
          continue; // merged away by a newer commit: copy that one instead
        }
        for (String sidecar : SIDECARS) {
          Path from = index.resolve(sidecar);
          if (Files.isRegularFile(from, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            Files.copy(from, staging.resolve(sidecar), StandardCopyOption.COPY_ATTRIBUTES);
            IOUtils.fsync(staging.resolve(sidecar), false);
            copied++;
            bytes += Files.size(from);
          }
        }
        IOUtils.fsync(staging, true);
        try {
          Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException e) {
          throw new IndexException(
              "backup "
                  + dest
                  + " appeared while the backup was being made; nothing was"
                  + " written into it",
              e);
        }
        IOUtils.fsync(parent, true);
        long documents = 0;
        for (SegmentCommitInfo segment : infos) {
          documents += segment.info.maxDoc() - segment.getDelCount() - segment.getSoftDelCount();
        }
        return new IndexBackup(
            source.toString(),
            dest.toString(),
            segmentsFile,
            documents,
            files.size(),
            linked,
            copied,
            bytes,
            attempt,
            LuceneIndex.check(target, true));
      }
      throw new IndexException(
          "index "
              + source
              + " changed faster than it could be copied ("
              + ATTEMPTS
              + " commits were replaced during the backup); try again when the indexer is less busy");
    } finally {
      deleteTree(staging);
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return;
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.toList()) Files.delete(f);
    }
    Files.delete(dir);
  }
}
