/**
 * Small helpers shared by several steps of the data flow and belonging to none of them: {@link dss.util.Sha256}
 * (content hashes, path ids, model checksums) and {@link dss.util.BackgroundPriority} (bulk-work threads run
 * behind request handling). Depends on nothing else in the project.
 */
package dss.util;
