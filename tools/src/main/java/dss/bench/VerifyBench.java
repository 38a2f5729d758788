package dss.bench;

import dss.cli.JsonOut;
import dss.index.ImageIndex;
import dss.index.IndexCheck;
import dss.index.lucene.LuceneIndex;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * What verifying an index costs, in-process (no JVM start counted): the verification a server runs
 * in the background ({@link ImageIndex#verify}: the CRC32 of every byte of every file), Lucene's
 * full check ({@code dreamsim check}: the same plus the structure of every part) and the fast check
 * ({@code check --fast}, what serve runs before it opens the index), on an existing index. One JSON
 * line; bench/verify.sh runs it in rounds next to a peer that only reads and checksums the files.
 */
@Command(
    name = "verify",
    header = "Measure the full verification of an index (seconds, bytes).",
    sortOptions = false,
    description =
        "Times verify (checksums), the full check and the fast check of the index at DIR.")
public final class VerifyBench implements Callable<Integer> {
  @Parameters(paramLabel = "DIR", description = "A Lucene index folder.")
  Path dir;

  @Option(
      names = "--full-check",
      negatable = true,
      defaultValue = "true",
      description =
          "Also time the full check with Lucene's CheckIndex (default: ${DEFAULT-VALUE}).")
  boolean fullCheck;

  @Override
  public Integer call() throws Exception {
    Map<String, Object> out = new LinkedHashMap<>();
    try (ImageIndex index = LuceneIndex.openReadOnly(dir)) {
      long t0 = System.nanoTime();
      IndexCheck verified = index.verify(true);
      double verifySeconds = (System.nanoTime() - t0) / 1e9;
      out.put("bytes", verified.bytesVerified());
      out.put("healthy", verified.healthy());
      out.put("verify_seconds", verifySeconds);
      out.put("verify_seconds_per_gb", verifySeconds / (verified.bytesVerified() / 1e9));
      t0 = System.nanoTime();
      index.check(false);
      out.put("fast_check_seconds", (System.nanoTime() - t0) / 1e9);
      if (fullCheck) {
        t0 = System.nanoTime();
        IndexCheck full = index.check(true);
        double seconds = (System.nanoTime() - t0) / 1e9;
        out.put("full_check_seconds", seconds);
        out.put("full_check_seconds_per_gb", seconds / (full.bytesVerified() / 1e9));
      }
    }
    System.out.println(JsonOut.line(out));
    return 0;
  }
}
