/**
 * The {@code dreamsim} command line (picocli): one small class per command, each a thin adapter
 * that parses options, calls the engine (the ingest pipeline, the index interface, the query API)
 * and prints JSON.
 *
 * <p>Contract: results on stdout as JSON with snake_case fields (one object, or one line per item
 * for {@code embed}; {@code doctor} prints text for people unless {@code --json}); progress and
 * logs on stderr; exit status 0 on success, 1 when some inputs failed or the command failed, 2 on
 * usage errors (only {@link dss.cli.UsageError}, picocli's parameter errors and the engine's
 * invalid settings and unknown or unreachable index locations: an engine bug never looks like the
 * user's mistake), 3 when another process writes the index. Engine messages name no option; {@link
 * dss.cli.ErrorHandler} adds the command line's advice. Shared options are mixins ({@link
 * dss.cli.ModelOptions}, the {@link dss.model.ModelSource} of the engine's {@link
 * dss.search.Library}; {@link dss.cli.IndexOptions}); {@link dss.cli.ModelExport} is the one way a
 * model gets exported (by {@code model export}, or by a command whose model is missing); the index
 * backend is the provider that takes {@code --index} (nothing here knows one backend from another,
 * except {@code cluster}, which manages a local SolrCloud). Optional modules add commands through
 * {@link dss.cli.MoreCommands}.
 */
package dss.cli;
