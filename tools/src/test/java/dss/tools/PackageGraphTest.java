package dss.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dss.model.TestModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The package graph of the main code (every module's src/main/java), read from the sources: no
 * cycles, every package documented, and nothing outside the Lucene backend uses Lucene's index or
 * search types (its utilities are fine).
 */
class PackageGraphTest {
  private static final Pattern PACKAGE = Pattern.compile("^package ([\\w.]+);", Pattern.MULTILINE);
  private static final Pattern COMMENT = Pattern.compile("/\\*.*?\\*/|//[^\n]*", Pattern.DOTALL);
  private static final Pattern REFERENCE = Pattern.compile("\\b(dss(?:\\.[a-z]\\w*)+)\\.[A-Z]");

  private static Map<String, Set<String>> graph() throws IOException {
    Map<String, Set<String>> deps = new TreeMap<>();
    for (Path file : mainSources()) {
      String source = Files.readString(file);
      Matcher p = PACKAGE.matcher(source);
      if (!p.find()) continue;
      String pkg = p.group(1);
      Set<String> out = deps.computeIfAbsent(pkg, k -> new TreeSet<>());
      Matcher m =
          REFERENCE.matcher(COMMENT.matcher(source).replaceAll(" ")); // code, not javadoc links
      while (m.find()) if (!m.group(1).equals(pkg)) out.add(m.group(1));
    }
    return deps;
  }

  private static List<Path> mainSources() throws IOException {
    List<Path> files = new ArrayList<>();
    try (Stream<Path> modules = Files.list(TestModels.root())) {
      for (Path module : modules.toList()) {
        Path main = module.resolve("src/main");
        if (!Files.isDirectory(main)) continue;
        try (Stream<Path> walk = Files.walk(main)) {
          walk.filter(f -> f.toString().endsWith(".java")).forEach(files::add);
        }
      }
    }
    return files;
  }

  @Test
  void noPackageCycles() throws IOException {
    Map<String, Set<String>> deps = graph();
    assertTrue(
        deps.keySet()
            .containsAll(
                Set.of(
                    "dss.image",
                    "dss.model",
                    "dss.ingest",
                    "dss.index",
                    "dss.index.lucene",
                    "dss.search",
                    "dss.web",
                    "dss.cli")),
        "the sources were found: " + deps.keySet());
    for (String start : deps.keySet()) {
      Deque<String> todo = new ArrayDeque<>(deps.get(start));
      Set<String> seen = new TreeSet<>();
      while (!todo.isEmpty()) {
        String next = todo.pop();
        if (next.equals(start))
          throw new AssertionError(start + " depends on itself through " + seen);
        if (seen.add(next)) todo.addAll(deps.getOrDefault(next, Set.of()));
      }
    }
  }

  @Test
  void onlyTheLuceneBackendSeesLucene() throws IOException {
    List<String> offenders = new ArrayList<>();
    for (Path file : mainSources()) {
      String source = Files.readString(file);
      boolean backend = source.contains("package dss.index.lucene;");
      // Lucene's utilities (SIMD dot products, IOUtils) are fine anywhere; its index and search
      // types are not
      boolean usesIndexTypes =
          source
              .lines()
              .anyMatch(
                  l ->
                      l.startsWith("import org.apache.lucene.")
                          && !l.startsWith("import org.apache.lucene.util."));
      // the ANN benchmark times Lucene's raw search next to the product's call, on purpose
      boolean benchmark = source.contains("package dss.bench;");
      if (!backend && !benchmark && usesIndexTypes) {
        offenders.add(TestModels.root().relativize(file).toString());
      }
    }
    assertEquals(
        List.of(),
        offenders,
        "Lucene index or search types outside dss.index.lucene (benchmarks aside)");
  }

  @Test
  void everyPackageSaysWhatItDoes() throws IOException {
    Set<String> packages = new TreeSet<>(graph().keySet());
    for (Path file : mainSources()) {
      if (file.getFileName().toString().equals("package-info.java")) {
        Matcher p = PACKAGE.matcher(Files.readString(file));
        if (p.find()) packages.remove(p.group(1));
      }
    }
    assertEquals(Set.of(), packages, "packages without a package-info.java");
  }
}
