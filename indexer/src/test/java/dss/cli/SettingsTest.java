package dss.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Option defaults: command line over environment over config file over built-in default. */
class SettingsTest {
  @TempDir Path tmp;

  private CommandLine.ParseResult parse(Map<String, String> env, String config, String... args)
      throws IOException {
    Path file = tmp.resolve("config.properties");
    Files.writeString(file, config);
    return Main.commandLine(new Settings(env, file)).parseArgs(args);
  }

  private static <T> T command(CommandLine.ParseResult parsed) {
    return parsed.subcommand().commandSpec().commandLine().getCommand();
  }

  @Test
  void precedenceIsCommandLineEnvironmentFileDefault() throws IOException {
    String config = "model=from-file\nindex=/file/index\nserve.port=9100\nport=9200\n";
    SearchCommand fromFile = command(parse(Map.of(), config, "search", "--id", "x"));
    assertEquals("from-file", fromFile.modelOptions.model);
    assertEquals("/file/index", String.valueOf(fromFile.indexOptions.index));

    SearchCommand fromEnv =
        command(
            parse(
                Map.of("DREAMSIM_MODEL", "from-env", "DREAMSIM_INDEX", "/env/index"),
                config,
                "search",
                "--id",
                "x"));
    assertEquals("from-env", fromEnv.modelOptions.model);
    assertEquals("/env/index", String.valueOf(fromEnv.indexOptions.index));

    SearchCommand fromArgs =
        command(
            parse(
                Map.of("DREAMSIM_MODEL", "from-env"),
                config,
                "search",
                "--id",
                "x",
                "--model",
                "from-args"));
    assertEquals("from-args", fromArgs.modelOptions.model);

    ServeCommand serve = command(parse(Map.of("DREAMSIM_TOKEN", "secret"), config, "serve"));
    assertEquals(9100, serve.port, "the command's own key wins over the plain one");
    assertEquals("secret", serve.token);

    SearchCommand builtIn = command(parse(Map.of(), "", "search", "--id", "x"));
    assertEquals(null, builtIn.modelOptions.model, "the index's own model");
    assertEquals("ensemble", builtIn.modelOptions.variant(), "else the default variant");
    assertEquals(null, builtIn.indexOptions.index, "index-data/ of the installation");
  }

  @Test
  void theConfigFileIsFoundThroughTheEnvironment() {
    assertEquals(
        Path.of("/etc/ds.properties"),
        Settings.configFile(Map.of("DREAMSIM_CONFIG", "/etc/ds.properties")));
    assertEquals(
        Path.of("/xdg/dreamsim/config.properties"),
        Settings.configFile(Map.of("XDG_CONFIG_HOME", "/xdg")));
  }

  @Test
  void aBrokenConfigFileIsAClearError() throws IOException {
    Path file = Files.writeString(tmp.resolve("bad.properties"), "model=\\uZZZZ\n");
    IOException e = assertThrows(IOException.class, () -> new Settings(Map.of(), file));
    assertEquals(
        true, e.getMessage().startsWith(file + ": not a valid properties file"), e.getMessage());
  }
}
