package dss.index;

import dss.model.ModelInfo;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What verifying an index found ({@link IndexProvider#check}, {@link ImageIndex#check}): whether
 * its stored data is intact, and if not, which parts are damaged and how to recover. The same
 * record for every backend; what only one backend knows (Lucene's commit file and segments, Solr's
 * shards) is in {@link #details}.
 *
 * @param index where the index lives ({@link ImageIndex#location()})
 * @param level "fast" (what a start can afford), "checksums" (every stored byte's checksum: what a
 *     server verifies in the background) or "full" (every stored byte and structure)
 * @param healthy true when nothing is damaged
 * @param model the model recorded in the index; null when the metadata is unreadable
 * @param documents live documents; null when they cannot be counted
 * @param bytesVerified bytes whose checksums were verified (0 for a backend that leaves this to its
 *     servers)
 * @param damage one entry per damaged part, empty when healthy
 * @param recovery what to do about the damage; null when healthy
 * @param details the backend's own facts about what was checked (Lucene: {@code commit}, {@code
 *     segments}, {@code files}; Solr: {@code shards}, {@code replicas}), in a stable order
 */
public record IndexCheck(
    String index,
    String level,
    boolean healthy,
    ModelInfo model,
    Long documents,
    long bytesVerified,
    List<Damage> damage,
    String recovery,
    Map<String, Object> details) {
  /**
   * One damaged part.
   *
   * @param part the damaged or missing part: a file (Lucene), a replica (Solr), the metadata; null
   *     when the damage is in {@code partOf} as a whole
   * @param partOf what the part belongs to: a segment (Lucene), a shard (Solr); null for the index
   *     itself
   * @param problem what is wrong, as the storage reported it
   */
  public record Damage(String part, String partOf, String problem) {}

  public IndexCheck {
    damage = List.copyOf(damage);
    details = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(details));
    if (healthy != damage.isEmpty())
      throw new IllegalArgumentException("healthy exactly when nothing is damaged");
  }

  /**
   * The advice for a damaged index: nothing in it is irreplaceable, since the photos are the source
   * of truth and the index is derived from them.
   */
  public static String recoveryFor(String location) {
    return "re-index from the library (the photos are the source of truth): move "
        + location
        + " aside and index"
        + " the photos into it again; or restore a backup of it";
  }

  /** One line for error messages: the damaged parts and the recovery. */
  public String summary() {
    if (healthy) return "index " + index + " is healthy (" + level + " check)";
    return "index "
        + index
        + " is damaged ("
        + level
        + " check): "
        + damage.stream()
            .map(d -> (d.part() != null ? d.part() : d.partOf()) + ": " + d.problem())
            .collect(Collectors.joining("; "))
        + ". To recover, "
        + recovery;
  }

  /** Details in the order given: {@code key, value, key, value, ...}. */
  public static Map<String, Object> details(Object... keysAndValues) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2)
      m.put((String) keysAndValues[i], keysAndValues[i + 1]);
    return m;
  }
}
