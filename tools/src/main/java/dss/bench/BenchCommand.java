package dss.bench;

import picocli.CommandLine.Command;

/** Benchmarks: each prints figures; the scripts under bench/ run the peers in the same run. */
@Command(
    name = "bench",
    header = "Run a benchmark (bench/*.sh runs each next to its peer).",
    description = "Benchmarks (see bench/*.sh for the side-by-side runs with peers).",
    subcommands = {
      PreprocessBench.class,
      ModelBench.class,
      IndexingBench.class,
      AnnBench.class,
      LoadBench.class,
      InteractiveBench.class,
      DedupBench.class,
      DedupRecallBench.class,
      SolrAnnBench.class,
      ListingBench.class,
      CorporaBench.class,
      VerifyBench.class,
      IndexedOnceCheck.class
    })
public final class BenchCommand {}
