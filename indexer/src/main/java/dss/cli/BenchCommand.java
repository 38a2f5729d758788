package dss.cli;

import dss.cli.bench.AnnBench;
import dss.cli.bench.DedupBench;
import dss.cli.bench.IndexingBench;
import dss.cli.bench.LoadBench;
import dss.cli.bench.ModelBench;
import dss.cli.bench.PreprocessBench;
import picocli.CommandLine.Command;

/** Benchmarks: each prints figures; the scripts under bench/ run the peers in the same run. */
@Command(name = "bench", description = "Benchmarks (see bench/*.sh for the side-by-side runs with peers).",
    subcommands = {PreprocessBench.class, ModelBench.class, IndexingBench.class, AnnBench.class,
        LoadBench.class, DedupBench.class})
final class BenchCommand {}
