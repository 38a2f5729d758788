package dss.index.lucene;

import dss.index.IndexCheck;
import dss.index.IndexException;
import dss.index.IndexMetadata;
import dss.model.ModelInfo;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.lucene.codecs.CodecUtil;
import org.apache.lucene.index.CheckIndex;
import org.apache.lucene.index.CorruptIndexException;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.SegmentCommitInfo;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FilterDirectory;
import org.apache.lucene.store.IOContext;
import org.apache.lucene.store.IndexInput;
import org.apache.lucene.store.NoLockFactory;

/**
 * Verifies one commit of a Lucene index ({@link LuceneIndex#check}).
 *
 * <ul>
 *   <li><b>fast</b>: the commit ({@code segments_N} and every segment's {@code .si}, whose
 *       checksums Lucene verifies when it reads them), the {@link IndexMetadata} in its user data,
 *       every file's presence, the whole checksum of every file up to {@link #SMALL_FILE} bytes and
 *       the footer (the checksum's place, so truncation) of the larger ones: the vectors, the graph
 *       and the stored fields of a large index are not read.
 *   <li><b>checksums</b> (what a server verifies in the background): the above plus the CRC32 of
 *       every byte of every file, the files verified by an earlier pass of the same caller skipped.
 *   <li><b>full</b>: the above plus Lucene's {@link CheckIndex} at its integrity level over every
 *       segment: the checksum of every byte of every file and the structure of each part (stored
 *       fields, postings, doc values, vectors). A failed segment is then narrowed down to its
 *       damaged files by their checksums.
 * </ul>
 *
 * Every file of a Lucene commit ends with a CRC32 footer, so a flipped bit anywhere in a file that
 * is read whole is found. The check takes no lock and writes nothing, so it runs on a read-only
 * file system and beside a writer. When a writer in another process replaces the commit being
 * checked (its merged-away files are deleted), damage found in the superseded commit is not
 * trusted: the latest commit is checked again.
 */
final class LuceneIndexCheck {
  /** The fast check reads files up to this size whole (the commit's metadata-sized files). */
  static final long SMALL_FILE = 1 << 20;

  /** Commits superseded while being checked before the check reports what it found anyway. */
  private static final int ATTEMPTS = 10;

  private LuceneIndexCheck() {}

  /**
   * Checks the latest commit in {@code dir}; a commit replaced during the check is followed by the
   * newer one.
   */
  static IndexCheck latest(Directory dir, String location, boolean full) throws IOException {
    return latest(dir, location, full, null);
  }

  /**
   * As {@link #latest(Directory, String, boolean)}; with {@code verified} (see {@link #commit(
   * Directory, String, String, boolean, Map)}) only the files not verified before are read whole.
   */
  static IndexCheck latest(Directory dir, String location, boolean full, Map<String, Long> verified)
      throws IOException {
    for (int attempt = 1; ; attempt++) {
      String segmentsFile = SegmentInfos.getLastCommitSegmentsFileName(dir.listAll());
      if (segmentsFile == null) throw IndexException.missing(location);
      boolean last = attempt >= ATTEMPTS;
      IndexCheck result;
      try {
        result = commit(dir, location, segmentsFile, full, verified);
      } catch (NoSuchFileException | FileNotFoundException e) {
        if (last || !superseded(dir, segmentsFile)) throw e;
        continue;
      }
      if (result.healthy() || last || !superseded(dir, segmentsFile)) return result;
    }
  }

  private static boolean superseded(Directory dir, String segmentsFile) throws IOException {
    return !segmentsFile.equals(SegmentInfos.getLastCommitSegmentsFileName(dir.listAll()));
  }

  /**
   * Checks the commit {@code segmentsFile}; its files must not be deleted meanwhile for the result
   * to hold.
   */
  static IndexCheck commit(Directory dir, String location, String segmentsFile, boolean full)
      throws IOException {
    return commit(dir, location, segmentsFile, full, null);
  }

  /**
   * As {@link #commit(Directory, String, String, boolean)}; with {@code verified} (file name to
   * length, this caller's memory of files whose every byte passed its checksum) and {@code full},
   * the checksums level: the CRC32 of every byte of the files not in the map (Lucene never rewrites
   * a file, so a verified file only needs to be there, at its length, with its footer), without
   * CheckIndex's structure checks: the checks after the first cost what the new commits wrote. A
   * healthy check leaves in the map exactly the commit's files.
   */
  static IndexCheck commit(
      Directory dir, String location, String segmentsFile, boolean full, Map<String, Long> verified)
      throws IOException {
    boolean incremental = full && verified != null;
    String level = incremental ? "checksums" : full ? "full" : "fast";
    List<IndexCheck.Damage> damage = new ArrayList<>();
    SegmentInfos infos;
    try {
      infos = SegmentInfos.readCommit(dir, segmentsFile);
    } catch (IOException e) {
      damage.addAll(unreadableCommit(dir, segmentsFile, e));
      return new IndexCheck(
          location,
          level,
          false,
          null,
          null,
          0,
          damage,
          IndexCheck.recoveryFor(location),
          IndexCheck.details("commit", segmentsFile));
    }
    ModelInfo model = null;
    try {
      model = IndexMetadata.fromMap(infos.getUserData(), location).model();
    } catch (IndexException e) {
      damage.add(new IndexCheck.Damage(segmentsFile, null, e.getMessage()));
    }
    long documents = 0;
    Map<String, String> files =
        new LinkedHashMap<>(); // file -> segment (null: the commit's own file)
    files.put(segmentsFile, null);
    for (SegmentCommitInfo segment : infos) {
      documents += segment.info.maxDoc() - segment.getDelCount() - segment.getSoftDelCount();
      for (String file : segment.files()) files.put(file, segment.info.name);
    }

    long bytesVerified = 0, total = 0;
    Map<String, Long> lengths = new LinkedHashMap<>();
    for (Map.Entry<String, String> file : files.entrySet()) {
      try (IndexInput in = dir.openInput(file.getKey(), IOContext.READONCE)) {
        total += in.length();
        lengths.put(file.getKey(), in.length());
        Long known = incremental ? verified.get(file.getKey()) : null;
        if (incremental && (known == null || known != in.length())) {
          CodecUtil.checksumEntireFile(in); // new since the last check: every byte
          bytesVerified += in.length();
        } else if (full || in.length() > SMALL_FILE) {
          CodecUtil.retrieveChecksum(
              in); // the footer; a full check reads the whole file through CheckIndex
        } else {
          CodecUtil.checksumEntireFile(in);
          bytesVerified += in.length();
        }
      } catch (IOException e) {
        damage.add(new IndexCheck.Damage(file.getKey(), file.getValue(), problem(e)));
      }
    }
    if (full && !incremental && damage.isEmpty()) {
      damage.addAll(checkIndex(dir, segmentsFile, infos, files));
      bytesVerified = total;
    }
    if (verified != null && full && damage.isEmpty()) {
      verified.clear();
      verified.putAll(lengths);
    }
    return new IndexCheck(
        location,
        level,
        damage.isEmpty(),
        model,
        documents,
        damage.isEmpty() ? bytesVerified : 0,
        damage,
        damage.isEmpty() ? null : IndexCheck.recoveryFor(location),
        IndexCheck.details(
            "commit", segmentsFile, "segments", infos.size(), "files", files.size()));
  }

  /**
   * Lucene's CheckIndex over the commit, seen through a directory that lists only the commit's
   * files.
   */
  private static List<IndexCheck.Damage> checkIndex(
      Directory dir, String segmentsFile, SegmentInfos infos, Map<String, String> files)
      throws IOException {
    List<IndexCheck.Damage> damage = new ArrayList<>();
    Directory commitOnly = new CommitView(dir, files.keySet());
    CheckIndex.Status status;
    // No lock: the check writes nothing, and a writer may be working on newer commits beside it
    try (CheckIndex checker =
        new CheckIndex(
            commitOnly,
            NoLockFactory.INSTANCE.obtainLock(commitOnly, IndexWriter.WRITE_LOCK_NAME))) {
      checker.setLevel(CheckIndex.Level.MIN_LEVEL_FOR_INTEGRITY_CHECKS);
      status = checker.checkIndex();
    }
    if (status.clean) return damage;
    for (CheckIndex.Status.SegmentInfoStatus segment : status.segmentInfos) {
      if (segment.error == null) continue;
      List<IndexCheck.Damage> damagedFiles = new ArrayList<>();
      for (SegmentCommitInfo info : infos) {
        if (!info.info.name.equals(segment.name)) continue;
        for (String file : info.files()) {
          try (IndexInput in = dir.openInput(file, IOContext.READONCE)) {
            CodecUtil.checksumEntireFile(in);
          } catch (IOException e) {
            damagedFiles.add(new IndexCheck.Damage(file, segment.name, problem(e)));
          }
        }
      }
      damage.addAll(
          damagedFiles.isEmpty()
              ? List.of(new IndexCheck.Damage(null, segment.name, problem(segment.error)))
              : damagedFiles);
    }
    if (damage.isEmpty()) {
      damage.add(
          new IndexCheck.Damage(
              segmentsFile,
              null,
              status.missingSegments
                  ? "the commit cannot be read"
                  : status.toolOutOfDate
                      ? "written by a newer Lucene than this program's"
                      : !status.validCounter
                          ? "the commit's segment counter is behind its segments' names"
                          : "Lucene's CheckIndex found problems"));
    }
    return damage;
  }

  /**
   * Why a commit could not be read: its own file, or a segment's {@code .si} file, whichever fails
   * its checksum.
   */
  private static List<IndexCheck.Damage> unreadableCommit(
      Directory dir, String segmentsFile, IOException e) throws IOException {
    List<IndexCheck.Damage> damage = new ArrayList<>();
    try (IndexInput in = dir.openInput(segmentsFile, IOContext.READONCE)) {
      CodecUtil.checksumEntireFile(in);
    } catch (IOException own) {
      return List.of(new IndexCheck.Damage(segmentsFile, null, problem(own)));
    }
    if (e instanceof NoSuchFileException || e instanceof FileNotFoundException) {
      String missing = missingFile(e);
      return List.of(new IndexCheck.Damage(missing, segmentOf(missing), "missing file"));
    }
    String[] all = dir.listAll();
    Arrays.sort(all);
    for (String file : all) {
      if (!file.endsWith(".si")) continue;
      try (IndexInput in = dir.openInput(file, IOContext.READONCE)) {
        CodecUtil.checksumEntireFile(in);
      } catch (IOException bad) {
        damage.add(new IndexCheck.Damage(file, segmentOf(file), problem(bad)));
      }
    }
    if (damage.isEmpty())
      damage.add(
          new IndexCheck.Damage(segmentsFile, null, "cannot read the commit: " + problem(e)));
    return damage;
  }

  private static String missingFile(IOException e) {
    String file =
        e instanceof NoSuchFileException n && n.getFile() != null ? n.getFile() : e.getMessage();
    if (file == null) return null;
    int slash = file.lastIndexOf('/');
    return slash < 0 ? file : file.substring(slash + 1);
  }

  /** "_3" for "_3.si" or "_3_Lucene99HnswVectorsFormat_0.vec". */
  private static String segmentOf(String file) {
    if (file == null || !file.startsWith("_")) return null;
    int end = 1;
    while (end < file.length() && Character.isLetterOrDigit(file.charAt(end))) end++;
    return file.substring(0, end);
  }

  /** The storage's own words, without the file's path (the damage entry names the file). */
  private static String problem(Throwable e) {
    if (e instanceof NoSuchFileException || e instanceof FileNotFoundException)
      return "missing file";
    if (e instanceof CorruptIndexException c) return "corrupt: " + c.getOriginalMessage();
    if (e instanceof java.io.EOFException) return "truncated: " + e.getMessage();
    String message = e.getMessage();
    return message == null
        ? e.getClass().getSimpleName()
        : e.getClass().getSimpleName() + ": " + message;
  }

  /**
   * The directory as CheckIndex should see it: only the files of one commit, so it checks that
   * commit.
   */
  private static final class CommitView extends FilterDirectory {
    private final String[] files;

    CommitView(Directory in, java.util.Collection<String> files) {
      super(in);
      this.files = files.stream().sorted().toArray(String[]::new);
    }

    @Override
    public String[] listAll() {
      return files.clone();
    }

    @Override
    public void close() {
      // the caller owns the directory
    }
  }
}
