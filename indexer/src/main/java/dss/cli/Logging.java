package dss.cli;

import java.util.logging.Level;
import java.util.logging.LogManager;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * The command line's logging, configured in one place before any logger exists: slf4j-simple on
 * stderr, with java.util.logging (Lucene, ONNX Runtime's Java side) bridged into it. A successful
 * command is quiet: warnings and errors only ({@code serve}, a long-running server, also logs what
 * it does); {@code -v} adds everything down to debug; {@code -q} leaves errors only.
 */
final class Logging {
  enum Verbosity {
    QUIET,
    NORMAL,
    SERVER,
    VERBOSE
  }

  private Logging() {}

  static void configure(Verbosity verbosity) {
    String level =
        switch (verbosity) {
          case QUIET -> "error";
          case NORMAL -> "warn";
          case SERVER -> "info";
          case VERBOSE -> "debug";
        };
    // Our own classes down to debug with -v; libraries' info (Lucene's SIMD note) and up: their
    // debug output (native library extraction, the JDK's own exit tracing) is noise even for
    // diagnostics.
    System.setProperty(
        "org.slf4j.simpleLogger.defaultLogLevel", verbosity == Verbosity.VERBOSE ? "info" : level);
    System.setProperty("org.slf4j.simpleLogger.log.dss", level);
    LogManager.getLogManager()
        .reset(); // no console handler of its own: everything goes through slf4j
    SLF4JBridgeHandler.install();
    java.util.logging.Logger.getLogger("").setLevel(Level.INFO);
  }
}
