package dss.cli;

import dss.model.ModelException;
import dss.model.Models;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs {@code models/export_dreamsim.py} in a private virtual environment ({@code models/.venv}):
 * the one code path behind {@code dreamsim model export} and the export a command runs itself when
 * the model it needs is missing. The child's output (pip's and the export's progress) streams to
 * {@code log}; stdout stays free for JSON.
 */
final class ModelExport {
  /**
   * The pinned wheels (torch 2.5.1, numpy 2.1, scipy 1.14) exist for these Python versions only.
   */
  static final int MIN_MINOR = 10, MAX_MINOR = 13;

  /** The interpreter used when none is given ({@code --python}, {@code DREAMSIM_PYTHON}). */
  static final String DEFAULT_PYTHON = "python3";

  private final Models models;
  private final String python;
  private final PrintWriter log;
  private final String prefix;

  /**
   * @param prefix starts each line of our own on {@code log} ("dreamsim model export: ")
   */
  ModelExport(Models models, String python, PrintWriter log, String prefix) {
    this.models = models;
    this.python = python == null || python.isBlank() ? DEFAULT_PYTHON : python;
    this.log = log;
    this.prefix = prefix;
  }

  /**
   * Roughly what a first export of {@code variant} downloads: the weights (the official release
   * zip) and, when {@code models/.venv} does not exist yet, the Python packages.
   */
  String downloadSize(String variant) {
    // the release zips hold the backbones' weights too (dinov2's come from torch.hub)
    String weights =
        variant.equals("all")
            ? "about 4 GB of weights"
            : variant.equals(Models.DEFAULT_VARIANT)
                ? "about 1.3 GB of weights (DreamSim's release file, with its three " + "backbones)"
                : "about 0.5 GB of weights";
    return Files.isExecutable(venvPython())
        ? weights
        : weights + " and about 3 GB of Python packages (torch, dreamsim 0.2.1) into models/.venv";
  }

  /**
   * Exports {@code variant} ("all" for every one), also as float16 when {@code fp16} and as int8
   * when {@code int8} (kept only within its distance bound), and returns the files written. On
   * failure no model file of this run is left behind half-written (the export writes each file only
   * once it is complete; a file that appeared during a failed run is removed all the same).
   */
  List<Path> export(String variant, boolean fp16, boolean int8) throws ModelException {
    if (!variant.equals("all") && !Models.VARIANTS.containsKey(variant)) {
      throw new UsageError(
          "unknown variant '" + variant + "': one of " + Models.VARIANTS.keySet() + " or all");
    }
    List<Path> candidates = new ArrayList<>();
    for (String v : variant.equals("all") ? Models.VARIANTS.keySet() : List.of(variant)) {
      candidates.add(models.fileFor(v, false));
      candidates.add(models.int8FileFor(v));
      candidates.add(models.fileFor(v, true));
    }
    List<Path> absent = candidates.stream().filter(f -> !Files.exists(f)).toList();
    try {
      run(variant, fp16, int8);
    } catch (ModelException | RuntimeException e) {
      for (Path f : absent) {
        try {
          Files.deleteIfExists(f);
        } catch (IOException ignored) {
          // best effort: the error below is what matters
        }
      }
      throw e;
    }
    return candidates.stream()
        .filter(Files::isRegularFile)
        .toList(); // an int8 file refused by its gate is absent
  }

  private Path venvPython() {
    return models.dir().resolve(".venv/bin/python");
  }

  private void run(String variant, boolean fp16, boolean int8) throws ModelException {
    Path dir = models.dir();
    requireSupportedPython();
    if (!Files.isExecutable(venvPython())) {
      log("creating the virtual environment " + dir.resolve(".venv"));
      run(
          List.of(python, "-m", "venv", dir.resolve(".venv").toString()),
          "could not create models/.venv (on Debian/Ubuntu: apt-get install python3-venv)");
    }
    log(
        "installing models/requirements.txt (torch, dreamsim 0.2.1, ...; several GB the first time)");
    run(
        List.of(
            venvPython().toString(),
            "-m",
            "pip",
            "install",
            "--disable-pip-version-check",
            "-r",
            dir.resolve("requirements.txt").toString()),
        "pip could not install models/requirements.txt (see above); the export needs internet access to PyPI");
    if (fp16
        && cudaPresent()) { // the GPU build of onnxruntime, so the fp16 file is measured on CUDA at
      // export
      log("CUDA is present: installing models/requirements-gpu.txt (onnxruntime-gpu)");
      run(
          List.of(venvPython().toString(), "-m", "pip", "uninstall", "-y", "onnxruntime"),
          "pip uninstall failed");
      // both packages own the onnxruntime/ folder: reinstall so the uninstall above cannot leave it
      // half-empty
      run(
          List.of(
              venvPython().toString(),
              "-m",
              "pip",
              "install",
              "--disable-pip-version-check",
              "--force-reinstall",
              "--no-deps",
              "-r",
              dir.resolve("requirements-gpu.txt").toString()),
          "pip could not install onnxruntime-gpu");
    }
    List<String> command =
        new ArrayList<>(
            List.of(
                venvPython().toString(),
                "-u",
                dir.resolve("export_dreamsim.py").toString(),
                variant,
                "--out",
                dir.toString()));
    if (fp16) command.add("--fp16");
    if (int8) command.add("--int8");
    log("exporting " + variant + " (downloads the weights from GitHub the first time)");
    run(command, "the export failed (see above)");
  }

  /** An NVIDIA driver answers: the GPU build of onnxruntime can be used. */
  private static boolean cudaPresent() {
    try {
      Process p = new ProcessBuilder("nvidia-smi", "-L").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Null when {@code version} ("3.11") can run the export, else why not. */
  static String pythonProblem(String version) {
    String[] parts = version.strip().split("\\.");
    int major, minor;
    try {
      major = Integer.parseInt(parts[0]);
      minor = parts.length > 1 ? Integer.parseInt(parts[1]) : -1;
    } catch (NumberFormatException e) {
      return "could not read the Python version from '" + version.strip() + "'";
    }
    if (major == 3 && minor >= MIN_MINOR && minor <= MAX_MINOR) return null;
    return "found Python "
        + version.strip()
        + "; the export needs Python 3."
        + MIN_MINOR
        + " to 3."
        + MAX_MINOR
        + " (its pinned torch, numpy and scipy wheels exist only there): pass one with --python";
  }

  private void requireSupportedPython() throws ModelException {
    String version;
    try {
      Process p =
          new ProcessBuilder(python, "-c", "import sys; print('%d.%d' % sys.version_info[:2])")
              .redirectErrorStream(true)
              .start();
      version = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (p.waitFor() != 0) throw new IOException(version.strip());
    } catch (IOException e) {
      throw new ModelException(
          "python3 was not found ('"
              + python
              + "'); the export needs Python 3."
              + MIN_MINOR
              + "-3."
              + MAX_MINOR
              + " with venv (e.g. apt-get install python3 python3-venv; another interpreter: "
              + "--python or DREAMSIM_PYTHON)",
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ModelException("interrupted", e);
    }
    String problem = pythonProblem(version);
    if (problem != null) throw new ModelException(problem);
  }

  private void log(String message) {
    log.println(prefix + message);
    log.flush();
  }

  private void run(List<String> command, String failure) throws ModelException {
    runStreaming(command, log, failure);
  }

  /**
   * Runs a child process (the export's and the quantiser's Python), streaming its output to {@code
   * log} line by line; a start failure or a non-zero exit is a {@link ModelException} with {@code
   * failure} as its message.
   */
  static void runStreaming(List<String> command, PrintWriter log, String failure)
      throws ModelException {
    runStreaming(command, log, failure, 0);
  }

  /** As above; exit status {@code alsoAccepted} is returned (else 0) instead of failing. */
  static int runStreaming(List<String> command, PrintWriter log, String failure, int alsoAccepted)
      throws ModelException {
    Process process;
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new ModelException(failure + " [" + e.getMessage() + "]", e);
    }
    try (BufferedReader lines =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = lines.readLine()) != null; ) {
        log.println(line);
        log.flush();
      }
      int status = process.waitFor();
      if (status != 0 && status != alsoAccepted) throw new ModelException(failure);
      return status;
    } catch (IOException e) {
      throw new ModelException(failure + " [" + e.getMessage() + "]", e);
    } catch (InterruptedException e) {
      process.destroy();
      Thread.currentThread().interrupt();
      throw new ModelException("interrupted", e);
    }
  }
}
