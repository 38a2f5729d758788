package dss.ingest;

import dss.image.ImageException;
import dss.index.ImageIndex;
import dss.index.ImageRecord;
import dss.model.ModelException;
import dss.util.Sha256;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Adding one image to an index and removing one, each a transaction: after it the index and the
 * upload folder agree. An added image is decoded and embedded before anything is written, so a bad
 * image leaves no file behind; it is then stored in the upload folder, upserted and committed, and
 * when the index fails the new file (and any folder made for it) is removed again. A removed image
 * leaves the index; its file is left alone.
 */
public final class ImageEdits {
  /**
   * A request that cannot be carried out as asked (a path outside the upload folder, a name the
   * disk refuses).
   */
  public static final class Refused extends RuntimeException {
    public Refused(String message) {
      super(message);
    }
  }

  /** What was indexed, and the embedding it got. */
  public record Added(ImageRecord record, IngestPipeline.Embedded embedded) {}

  private final ImageIndex index;
  private final IngestPipeline ingest;
  private final UploadFolder uploads;

  /** Does not take ownership of {@code index} or {@code ingest}. */
  public ImageEdits(ImageIndex index, IngestPipeline ingest, Path uploadDir) {
    this.index = index;
    this.ingest = ingest;
    this.uploads = new UploadFolder(uploadDir);
  }

  /**
   * Stores {@code content} in the upload folder as {@code requestedPath} (relative; null: its
   * content hash and format) and indexes it, committed on return.
   *
   * @param name what errors call the image (the upload's field and file name)
   * @throws Refused when the path cannot be stored where asked
   * @throws BusyException when the request decoders are full
   */
  public Added add(byte[] content, String name, String requestedPath)
      throws IOException, ImageException, ModelException {
    IngestPipeline.Embedded embedded = ingest.embed(content, name);
    String hash = Sha256.hex(content);
    Path target = uploads.target(requestedPath, hash, embedded.image().format());
    boolean existed = Files.exists(target, LinkOption.NOFOLLOW_LINKS);
    List<Path> madeFolders = uploads.write(target, content);
    ImageRecord record = null;
    try {
      record = LibraryIndexer.recordOf(target, content, embedded.image());
      index.upsert(record, embedded.vector());
      index.commit();
      return new Added(record, embedded);
    } catch (Exception | Error e) {
      // No file the index does not know: a new one goes again (a replaced one cannot be restored),
      // and so does its uncommitted document, which a later commit would otherwise publish.
      if (!existed) {
        UploadFolder.remove(target, madeFolders);
        if (record != null) deleteQuietly(record.id(), e);
      }
      throw e;
    }
  }

  private void deleteQuietly(String id, Throwable failure) {
    try {
      index.delete(id);
    } catch (Exception | Error e) {
      failure.addSuppressed(e);
    }
  }

  /**
   * Removes the image {@code id} from the index, committed on return; empty when no image has that
   * id.
   */
  public Optional<ImageRecord> remove(String id) throws IOException {
    Optional<ImageRecord> image = index.get(id);
    if (image.isEmpty()) return image;
    index.delete(image.get().id());
    index.commit();
    return image;
  }
}
