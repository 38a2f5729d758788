package dss.index;

import dss.model.Embedder;
import java.nio.file.Path;

/** Entry point of the child process that CrashResumeTest kills: indexes LIB into INDEX, committing every 5 images. */
public final class IndexerChild {
  private IndexerChild() {}

  public static void main(String[] args) throws Exception {
    try (Embedder embedder = TestLibrary.testModel()) {
      LibraryIndexer.Options options = new LibraryIndexer.Options(java.util.List.of(Path.of(args[1])),
          java.util.List.of(), java.util.List.of(), false, false, 1, 5, java.time.Duration.ofSeconds(30));
      TestLibrary.run(Path.of(args[0]), embedder, options, f -> System.err.println(f));
    }
  }
}
