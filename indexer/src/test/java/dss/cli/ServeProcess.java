package dss.cli;

import dss.model.TestModels;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code dreamsim serve} in a child JVM, as the launcher starts it (it serves until stopped, so it
 * cannot run in-process): the repository as installation root, stderr to a log file, stopped with
 * SIGTERM at close.
 */
final class ServeProcess implements AutoCloseable {
  private final Process process;
  private final Path log;
  final String firstLine;

  private ServeProcess(Process process, Path log, String firstLine) {
    this.process = process;
    this.log = log;
    this.firstLine = firstLine;
  }

  /** Starts serve with {@code args} and waits for its first stdout line (or its exit). */
  static ServeProcess start(Path log, String... args) throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules",
                "jdk.incubator.vector",
                "--enable-native-access=ALL-UNNAMED",
                "-Ddss.root=" + TestModels.root(),
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                "serve"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectError(log.toFile()).start();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    CompletableFuture<String> line =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return out.readLine();
              } catch (IOException e) {
                return null;
              }
            });
    try {
      return new ServeProcess(p, log, line.get(120, TimeUnit.SECONDS));
    } catch (Exception e) {
      p.destroyForcibly();
      throw new IllegalStateException("serve did not start: " + Files.readString(log), e);
    }
  }

  /** The exit status once it has ended on its own. */
  int awaitExit() throws InterruptedException {
    if (!process.waitFor(120, TimeUnit.SECONDS))
      throw new IllegalStateException("serve is still running");
    return process.exitValue();
  }

  /** SIGKILL (kill -9): no shutdown hook, nothing closed; returns once the process is gone. */
  void kill() throws InterruptedException {
    process.destroyForcibly().waitFor();
  }

  String log() throws IOException {
    return Files.readString(log);
  }

  static String get(String url) throws IOException, InterruptedException {
    try (HttpClient http = HttpClient.newHttpClient()) {
      return http.send(
              HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString())
          .body();
    }
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy(); // SIGTERM: the shutdown hook closes the server and the index
    if (!process.waitFor(60, TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
  }
}
