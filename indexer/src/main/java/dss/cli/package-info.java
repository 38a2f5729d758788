/**
 * The {@code dreamsim} command line (picocli): one small class per command, each a thin adapter that parses
 * options, calls the engine (the ingest pipeline, the index interface, the query API) and prints JSON.
 *
 * <p>Contract: results on stdout as JSON with snake_case fields (one object, or one line per item for
 * {@code embed}; {@code doctor} prints text for people unless {@code --json}); progress and logs on stderr; exit status 0 on success, 1 when some inputs failed, 2 on usage
 * errors. Shared options are mixins ({@link dss.cli.ModelOptions}, {@link dss.cli.IndexOptions});
 * {@link dss.cli.ModelExport} is the one way a model gets exported (by {@code model export}, or by a command whose
 * model is missing);
 * {@link dss.cli.IndexOptions} is the one place that picks the index backend. Optional modules add commands
 * through {@link dss.cli.MoreCommands}.
 */
package dss.cli;
