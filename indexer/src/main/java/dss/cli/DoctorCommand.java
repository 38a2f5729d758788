package dss.cli;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import dss.image.Formats;
import dss.image.NativeCodecs;
import dss.model.Checksums;
import dss.model.Embedder;
import dss.model.ModelException;
import dss.model.ModelManifest;
import dss.model.Models;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * What this installation can use: JDK, native image libraries, model files, ONNX Runtime and CUDA.
 */
@Command(
    name = "doctor",
    header = "List the JDK, native libraries, model files and CUDA this installation has.",
    description =
        "Lists the JDK; each native library the image pipeline can use (loaded or not, its version, and "
            + "what its absence costs); the model files found with their sizes and checksum state (from the checksum "
            + "cache: nothing is re-read); ONNX Runtime's providers and whether CUDA actually works here. Exit status 0.")
final class DoctorCommand implements Callable<Integer> {
  @Option(names = "--json", description = "One JSON object on stdout instead of text.")
  boolean json;

  @Spec CommandSpec spec;

  record Java(String version, String vendor, boolean ffm) {}

  /** {@code checksum}: ok, mismatch, unchecked (no valid checksum cache yet) or no manifest. */
  record ModelFile(String variant, String file, long bytes, String checksum) {}

  record ModelsFound(String dir, List<ModelFile> files, List<String> missing) {}

  record OnnxRuntime(String version, List<String> providers, boolean cuda, String cudaDetail) {}

  record Report(
      Java java,
      List<NativeCodecs.Library> nativeLibraries,
      ModelsFound models,
      OnnxRuntime onnxruntime,
      List<String> formats) {}

  @Override
  public Integer call() {
    int feature = Runtime.version().feature();
    Report report =
        new Report(
            new Java(
                System.getProperty("java.runtime.version", Runtime.version().toString()),
                System.getProperty("java.vendor"),
                feature >= 22),
            NativeCodecs.probe(),
            models(ModelOptions.models()),
            runtime(ModelOptions.models()),
            Formats.SUPPORTED);
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(JsonOut.line(report));
    } else {
      print(report, out);
    }
    out.flush();
    return 0;
  }

  private static ModelsFound models(Models models) {
    List<ModelFile> files = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    Models.VARIANTS
        .keySet()
        .forEach(
            variant -> {
              boolean found = false;
              for (boolean fp16 : new boolean[] {false, true}) {
                Path file = models.fileFor(variant, fp16);
                if (Files.isRegularFile(file)) {
                  files.add(modelFile(variant + (fp16 ? " (fp16)" : ""), file));
                  found = true;
                }
              }
              if (!found) missing.add(variant);
            });
    if (Files.isRegularFile(models.testModel())) files.add(modelFile("test", models.testModel()));
    return new ModelsFound(models.dir().toString(), files, missing);
  }

  private static ModelFile modelFile(String variant, Path file) {
    String checksum;
    long bytes = -1;
    try {
      bytes = Files.size(file);
      ModelManifest manifest = ModelManifest.read(file);
      String cached = Checksums.sha256IfCached(file);
      checksum =
          manifest == null || manifest.sha256() == null
              ? "no manifest"
              : cached == null ? "unchecked" : cached.equals(manifest.sha256()) ? "ok" : "mismatch";
    } catch (IOException | ModelException e) {
      checksum = "unreadable (" + e.getMessage() + ")";
    }
    return new ModelFile(variant, file.toString(), bytes, checksum);
  }

  /**
   * Providers as ONNX Runtime lists them, and CUDA tried for real on the small test model when
   * present.
   */
  private static OnnxRuntime runtime(Models models) {
    List<String> providers = new ArrayList<>();
    for (OrtProvider p : OrtEnvironment.getAvailableProviders()) providers.add(p.name());
    boolean cuda = false;
    String detail;
    if (!Files.isRegularFile(models.testModel())) {
      detail = "not tried (no test model at " + models.testModel() + ")";
    } else {
      // first: the Embedder opens ONNX Runtime's process-wide environment with its quiet log level
      try (Embedder probe = Embedder.open(models.testModel(), "cuda", 1, 1)) {
        cuda = true;
        detail = "a session runs on " + probe.device();
      } catch (ModelException e) {
        detail = e.getMessage();
      }
    }
    return new OnnxRuntime(OrtEnvironment.getEnvironment().getVersion(), providers, cuda, detail);
  }

  private static void print(Report r, PrintWriter out) {
    out.printf(
        Locale.ROOT,
        "Java          %s (%s)%s%n",
        r.java().version(),
        r.java().vendor(),
        r.java().ffm() ? "" : ": Java 22 or newer is needed to bind libturbojpeg and libheif");
    for (NativeCodecs.Library l : r.nativeLibraries()) {
      String state =
          !l.used()
              ? "not used"
              : l.loaded()
                  ? "yes  "
                      + l.version()
                      + (l.missingParts().isEmpty()
                          ? ""
                          : "; no decoder for " + String.join("; ", l.missingParts()))
                  : "no   without it: " + l.costWhenMissing() + " (" + l.install() + ")";
      out.printf(Locale.ROOT, "%-13s %s%n", l.name(), state);
    }
    out.printf(Locale.ROOT, "Models        %s%n", r.models().dir());
    for (ModelFile f : r.models().files()) {
      out.printf(
          Locale.ROOT,
          "  %-22s %8s  checksum %s  %s%n",
          f.variant(),
          size(f.bytes()),
          f.checksum(),
          f.file());
    }
    for (String variant : r.models().missing()) {
      out.printf(Locale.ROOT, "  %-22s missing (./dreamsim model export %s)%n", variant, variant);
    }
    out.printf(
        Locale.ROOT,
        "ONNX Runtime  %s, providers %s%n",
        r.onnxruntime().version(),
        String.join(", ", r.onnxruntime().providers()));
    out.printf(
        Locale.ROOT,
        "CUDA          %s: %s%n",
        r.onnxruntime().cuda() ? "yes" : "no",
        r.onnxruntime().cudaDetail());
    out.printf(
        Locale.ROOT,
        "Formats       %s (others are skipped: index --list-skipped names them)%n",
        String.join(", ", r.formats()));
  }

  private static String size(long bytes) {
    if (bytes < 0) return "?";
    if (bytes < 1 << 20) return String.format(Locale.ROOT, "%.0f KB", bytes / 1024.0);
    if (bytes < 1 << 30) return String.format(Locale.ROOT, "%.1f MB", bytes / (1024.0 * 1024));
    return String.format(Locale.ROOT, "%.2f GB", bytes / (1024.0 * 1024 * 1024));
  }
}
