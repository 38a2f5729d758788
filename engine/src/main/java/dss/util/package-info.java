/**
 * Small helpers shared by several steps of the data flow and belonging to none of them: {@link
 * dss.util.Sha256} (content hashes, path ids, model checksums), {@link dss.util.BackgroundPriority}
 * (bulk-work threads run behind request handling) and {@link dss.util.InvalidSettingException} (a
 * caller's setting the engine does not take: a front end reports it as a usage error). Depends on
 * nothing else in the project.
 */
package dss.util;
