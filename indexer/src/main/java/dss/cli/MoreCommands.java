package dss.cli;

import java.util.List;

/**
 * Commands that a module on the classpath adds to {@code dreamsim} (a {@link
 * java.util.ServiceLoader} service): the tools module adds {@code eval} and {@code bench}, which
 * the production jars leave out.
 */
public interface MoreCommands {
  /** Picocli command objects (or classes), added as subcommands in order. */
  List<Object> commands();
}
