package dss.index;

import dss.model.ModelInfo;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What verifying an index found ({@link ImageIndex#check}): whether the latest commit's files are intact, and if not,
 * which files or segments are damaged and how to recover.
 *
 * @param index         where the index lives ({@link ImageIndex#location()})
 * @param level         "fast" (the commit, the metadata, the small files' checksums, the large files' footers) or
 *                      "full" (every byte's checksum and every structure)
 * @param healthy       true when nothing is damaged
 * @param commit        the commit checked (Lucene: its {@code segments_N} file); null when none could be found
 * @param model         the model recorded in the index; null when the metadata is unreadable
 * @param documents     live documents of the commit; null when its list of segments is unreadable
 * @param segments      segments of the commit (Lucene; shards elsewhere); null when unreadable
 * @param files         files of the commit
 * @param bytesVerified bytes whose checksums were verified
 * @param damage        one entry per damaged file or segment, empty when healthy
 * @param recovery      what to do about the damage; null when healthy
 */
public record IndexCheck(String index, String level, boolean healthy, String commit, ModelInfo model, Long documents,
                         Integer segments, int files, long bytesVerified, List<Damage> damage, String recovery) {
  /**
   * One damaged part.
   *
   * @param file    the damaged or missing file, null when the damage is in a segment's structure as a whole
   * @param segment the segment the file belongs to, null for files of the commit itself
   * @param problem what is wrong, as the storage reported it
   */
  public record Damage(String file, String segment, String problem) {}

  public IndexCheck {
    damage = List.copyOf(damage);
    if (healthy != damage.isEmpty()) throw new IllegalArgumentException("healthy exactly when nothing is damaged");
  }

  /**
   * The advice for a damaged index: nothing in it is irreplaceable, since the photos are the source of truth and the
   * index is derived from them.
   */
  public static String recoveryFor(String location) {
    return "re-index from the library (the photos are the source of truth): move " + location + " aside and run"
        + " ./dreamsim index --index " + location + " DIR...; or restore a backup made with ./dreamsim backup"
        + " (point --index at it, or move it into place)";
  }

  /** One line for error messages: the damaged parts and the recovery. */
  public String summary() {
    if (healthy) return "index " + index + " is healthy (" + level + " check)";
    return "index " + index + " is damaged (" + level + " check): " + damage.stream()
        .map(d -> (d.file() != null ? d.file() : "segment " + d.segment()) + ": " + d.problem())
        .collect(Collectors.joining("; ")) + ". To recover, " + recovery;
  }
}
