package dss.index;

/**
 * A backup made of an index: a consistent copy of one commit in a folder of its own, checked once
 * written. Restoring it is pointing {@code --index} at it, or moving it into the index's place.
 *
 * @param index the index that was copied
 * @param backup the folder holding the copy
 * @param commit the commit copied (Lucene: its {@code segments_N} file)
 * @param documents live documents of that commit
 * @param files files of the commit
 * @param linked files hard-linked (they share their bytes with the index's files, which never
 *     change)
 * @param copied files copied (another file system, or asked for)
 * @param bytes size of the commit's files
 * @param attempts 1, plus one for each commit that a live writer replaced while it was being copied
 * @param check the full check of the copy
 */
public record IndexBackup(
    String index,
    String backup,
    String commit,
    long documents,
    int files,
    int linked,
    int copied,
    long bytes,
    int attempts,
    IndexCheck check) {}
