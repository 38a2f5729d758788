package dss.index;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.store.Directory;

/** What {@code dreamsim stats} reports: live documents, the model, vector storage, segments and bytes on disk. */
public record IndexStats(long documents, String model, int dimensions, String quantization, int segments, long bytes) {

  static IndexStats of(IndexMetadata metadata, IndexReader reader, Directory directory) throws IOException {
    long bytes = 0;
    for (String file : directory.listAll()) {
      if (file.equals(IndexWriter.WRITE_LOCK_NAME)) continue;
      try {
        bytes += directory.fileLength(file);
      } catch (NoSuchFileException e) {
        // deleted by a concurrent merge between listAll and fileLength
      }
    }
    return new IndexStats(reader.numDocs(), metadata.model().name(), metadata.model().dimensions(),
        metadata.config().quantization().name().toLowerCase(java.util.Locale.ROOT), reader.leaves().size(), bytes);
  }
}
