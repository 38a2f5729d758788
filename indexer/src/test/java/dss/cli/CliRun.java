package dss.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Runs the command line in-process (dss.cli.Main.run) and captures its stdout, stderr and exit
 * status. Public: the tools module's command tests use it through this module's test-jar.
 */
public record CliRun(int status, String out, String err) {
  public static CliRun of(String... args) {
    return capture(() -> Main.run(args));
  }

  /**
   * With another installation root (its models/ and index-data/), as an extracted release would
   * have.
   */
  public static CliRun in(java.nio.file.Path root, String... args) {
    return capture(() -> Main.run(root, args));
  }

  private static synchronized CliRun capture(java.util.function.IntSupplier main) {
    PrintStream savedOut = System.out;
    PrintStream savedErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int status = main.getAsInt();
      return new CliRun(
          status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(savedOut);
      System.setErr(savedErr);
    }
  }
}
