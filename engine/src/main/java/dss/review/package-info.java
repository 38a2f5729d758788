/**
 * Acting on duplicate review decisions without ever deleting a photo: {@link dss.review.Quarantine}
 * moves the files of the copies a person chose not to keep into a quarantine folder (their path
 * below the library folder kept, a free name picked rather than overwriting anything), removes them
 * from the index, and moves them back on undo; {@link dss.review.QuarantineLog} is the append-only
 * record of every move and undo (JSON lines in the quarantine folder), which is also the decisions
 * export (JSON or CSV) and what an undo restores the index document from. {@link
 * dss.review.Dismissals} keeps "not duplicates" decisions (a small JSON-lines file beside the
 * index, rewritten atomically), which the duplicate grouping honours through {@link
 * dss.search.Apart}. Depends on the {@code dss.index} interface and on {@code dss.search.Apart}.
 */
package dss.review;
