package dss.ingest;

import dss.image.ImagePipeline;
import dss.model.Embedder;
import java.nio.file.Path;
import java.util.List;

/**
 * Entry point of the child process that CrashResumeTest kills: indexes LIB into INDEX, committing
 * every 5 images.
 */
public final class IndexerChild {
  private IndexerChild() {}

  public static void main(String[] args) throws Exception {
    try (Embedder embedder = TestLibrary.testModel()) {
      LibraryIndexer.Options options =
          new LibraryIndexer.Options(
              List.of(Path.of(args[1])),
              List.of(),
              List.of(),
              false,
              false,
              5,
              java.time.Duration.ofSeconds(30),
              LibraryIndexer.Options.DEFAULT_MAX_FILE_BYTES);
      TestLibrary.run(
          Path.of(args[0]), embedder, new ImagePipeline(), 1, options, f -> System.err.println(f));
    }
  }
}
