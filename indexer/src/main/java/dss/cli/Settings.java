package dss.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Option defaults from the environment and a config file, so that nobody repeats {@code --index}
 * and {@code --model} on every command. Precedence, strongest first: the command line, an
 * environment variable ({@link #ENVIRONMENT}), the config file, the built-in default.
 *
 * <p>The config file is {@code $DREAMSIM_CONFIG}, else {@code
 * $XDG_CONFIG_HOME/dreamsim/config.properties}, else {@code ~/.config/dreamsim/config.properties};
 * optional. Its keys are option names without dashes, optionally prefixed by the command: {@code
 * model=ensemble}, {@code index=/data/photos-index}, {@code serve.port=9000} (the command's own key
 * wins over the plain one). Switches take 1/0, true/false, yes/no or on/off: {@code
 * DREAMSIM_OFFLINE=1}, {@code exact=true}.
 */
final class Settings implements CommandLine.IDefaultValueProvider {
  /** Options that an environment variable can set. */
  static final Map<String, String> ENVIRONMENT =
      Map.of(
          "--index",
          "DREAMSIM_INDEX",
          "--model",
          "DREAMSIM_MODEL",
          "--device",
          "DREAMSIM_DEVICE",
          "--token",
          "DREAMSIM_TOKEN",
          "--exact",
          "DREAMSIM_EXACT",
          "--offline",
          "DREAMSIM_OFFLINE",
          "--python",
          "DREAMSIM_PYTHON");

  private final Map<String, String> environment;
  private final Properties file = new Properties();

  Settings(Map<String, String> environment, Path configFile) throws IOException {
    this.environment = environment;
    if (configFile != null && Files.isRegularFile(configFile)) {
      try (Reader in = Files.newBufferedReader(configFile)) {
        file.load(in);
      } catch (IllegalArgumentException e) { // a malformed \\u escape
        throw new IOException(
            configFile + ": not a valid properties file (" + e.getMessage() + ")", e);
      }
    }
  }

  /** The settings of this process: its environment and its config file. */
  static Settings ofProcess() throws IOException {
    Map<String, String> env = System.getenv();
    return new Settings(env, configFile(env));
  }

  static Path configFile(Map<String, String> env) {
    if (present(env.get("DREAMSIM_CONFIG"))) return Path.of(env.get("DREAMSIM_CONFIG"));
    Path base =
        present(env.get("XDG_CONFIG_HOME"))
            ? Path.of(env.get("XDG_CONFIG_HOME"))
            : Path.of(System.getProperty("user.home"), ".config");
    return base.resolve("dreamsim/config.properties");
  }

  @Override
  public String defaultValue(ArgSpec arg) {
    if (!(arg instanceof OptionSpec option)) return null;
    String name = option.longestName();
    String variable = ENVIRONMENT.get(name);
    String value;
    if (variable != null && present(environment.get(variable))) {
      value = environment.get(variable);
    } else {
      String key = name.replaceFirst("^-+", "");
      String command = option.command() == null ? null : option.command().name();
      value = command == null ? null : file.getProperty(command + "." + key);
      if (value == null) value = file.getProperty(key);
    }
    return value != null && option.typeInfo().isBoolean()
        ? flag(value, variable != null ? variable : name)
        : value;
  }

  /**
   * A switch from the environment or the file: 1/true/yes/on or 0/false/no/off, as people write
   * them.
   */
  private static String flag(String value, String source) {
    return switch (value.strip().toLowerCase(java.util.Locale.ROOT)) {
      case "1", "true", "yes", "on" -> "true";
      case "0", "false", "no", "off", "" -> "false";
      default ->
          throw new UsageError(source + " must be 1 or 0 (true or false), not '" + value + "'");
    };
  }

  private static boolean present(String value) {
    return value != null && !value.isBlank();
  }
}
