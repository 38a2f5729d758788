package dss.search;

import dss.image.ImagePipeline;
import dss.index.ImageIndex;
import dss.index.IndexConfig;
import dss.index.IndexException;
import dss.index.IndexProvider;
import dss.ingest.IngestPipeline;
import dss.model.LazyEmbedder;
import dss.model.ModelException;
import dss.model.ModelInfo;
import dss.model.ModelSource;
import java.io.Closeable;
import java.io.IOException;

/**
 * An index bound to the model and the preprocessing it records, with the query API over both: the
 * one place where a front end (a command, the server, a program using the engine) turns an index
 * location into something to search and write. Opening it
 *
 * <ol>
 *   <li>finds the backend by the location ({@link IndexProvider#of});
 *   <li>reads the model the index records and asks the {@link ModelSource} for that model (of a
 *       variant's files, the one with the recorded checksum: float32, int8 on a CPU, float16 on a
 *       GPU), opened only when something needs embedding, so that a search by id or an unchanged
 *       re-run never loads it;
 *   <li>opens the index as asked, refusing one built by another model;
 *   <li>preprocesses query and new images as the index's images were (its recorded {@link
 *       IndexConfig.Preprocessing}); a writer asking for another preprocessing is refused, since
 *       one index holds one kind of vector.
 * </ol>
 *
 * Closing it closes the ingest pipeline, the index and the model, in that order.
 */
public final class Library implements Closeable {
  /** How the index is opened. */
  public enum Access {
    /** An existing index, never written (works while another process writes it). */
    READ_ONLY,
    /** Written when free, else read-only (the server beside an indexer); created when missing. */
    SHARED,
    /** Written; created when missing; the asked preprocessing must be the index's. */
    WRITABLE
  }

  /**
   * What a front end chooses beyond the location.
   *
   * @param newIndex how a new index stores its vectors and which preprocessing it uses (for {@link
   *     Access#WRITABLE} also the preprocessing an existing index must have)
   * @param layout how a new index is spread over servers (backends on one machine ignore it)
   * @param images the image pipeline's limits (pixels, file size); its preprocessing is replaced by
   *     the index's
   * @param decodeThreads parallel decode workers
   */
  public record Options(
      IndexConfig newIndex, IndexProvider.Layout layout, ImagePipeline images, int decodeThreads) {
    public static Options defaults() {
      return new Options(
          IndexConfig.DEFAULT,
          IndexProvider.Layout.SINGLE,
          new ImagePipeline(),
          Math.max(1, Runtime.getRuntime().availableProcessors()));
    }

    public Options withNewIndex(IndexConfig config) {
      return new Options(config, layout, images, decodeThreads);
    }

    public Options withLayout(IndexProvider.Layout l) {
      return new Options(newIndex, l, images, decodeThreads);
    }

    public Options withImages(ImagePipeline pipeline) {
      return new Options(newIndex, layout, pipeline, decodeThreads);
    }

    public Options withDecodeThreads(int threads) {
      return new Options(newIndex, layout, images, threads);
    }
  }

  private final ImageIndex index;
  private final LazyEmbedder model;
  private final IngestPipeline ingest;
  private final SimilaritySearch search;

  private Library(ImageIndex index, LazyEmbedder model, IngestPipeline ingest) {
    this.index = index;
    this.model = model;
    this.ingest = ingest;
    this.search = new SimilaritySearch(index, ingest);
  }

  /**
   * Opens the index at {@code location} bound to its model (see the class comment).
   *
   * @throws IndexException.Missing for {@link Access#READ_ONLY} when there is no index there
   * @throws IndexException when the index was built by another model or (writable) with another
   *     preprocessing
   */
  public static Library open(String location, Access access, ModelSource models, Options options)
      throws IOException, ModelException {
    IndexProvider provider = IndexProvider.of(location);
    ImageIndex readOnly = null;
    ModelInfo recorded = null;
    try {
      try {
        readOnly = provider.openReadOnly(location);
        recorded = readOnly.metadata().model();
      } catch (IndexException.Missing e) {
        if (access == Access.READ_ONLY) throw e;
      }
      if (access != Access.READ_ONLY && readOnly != null) {
        readOnly.close(); // the writer opens it again
        readOnly = null;
      }
      LazyEmbedder model = models.forIndex(recorded);
      try {
        // A model the source bound to the record is checked when its session opens, not now: a
        // reader may never need it (a search by id), and one not installed yet is not fetched while
        // there may be nothing new to embed. A writer checks an installed model at once: a wrong
        // one would fail every new file.
        boolean later =
            recorded != null
                && model.boundTo(recorded)
                && (access == Access.READ_ONLY || !model.installed());
        if (later) model.requireBinding(recorded);
        ModelInfo binding = later ? recorded : model.info();
        ImageIndex index =
            switch (access) {
              case READ_ONLY -> readOnly;
              case SHARED ->
                  provider.openShared(location, binding, options.newIndex(), options.layout());
              case WRITABLE ->
                  provider.openWritable(location, binding, options.newIndex(), options.layout());
            };
        readOnly = null; // owned by index now, when it is the one
        try {
          index.requireModel(binding);
          IndexConfig.Preprocessing preprocessing = index.metadata().config().preprocessing();
          if (access == Access.WRITABLE) {
            index
                .metadata()
                .requirePreprocessing(options.newIndex().preprocessing(), index.location());
          }
          IngestPipeline ingest =
              new IngestPipeline(
                  pipeline(options.images(), preprocessing), model, options.decodeThreads());
          return new Library(index, model, ingest);
        } catch (IOException | RuntimeException e) {
          index.close();
          throw e;
        }
      } catch (IOException | ModelException | RuntimeException e) {
        model.close();
        throw e;
      }
    } finally {
      if (readOnly != null) readOnly.close();
    }
  }

  /** A model and its preprocessing without an index: the distance of two images, embeddings. */
  public static Library withoutIndex(
      ModelSource models, IndexConfig.Preprocessing preprocessing, ImagePipeline images)
      throws ModelException {
    LazyEmbedder model = models.forIndex(null);
    try {
      model.get(); // needed for sure: a missing or unusable model is the caller's error now, not
      // each image's
      return new Library(
          null,
          model,
          new IngestPipeline(
              pipeline(images, preprocessing),
              model,
              Math.max(1, Runtime.getRuntime().availableProcessors())));
    } catch (ModelException | RuntimeException e) {
      model.close();
      throw e;
    }
  }

  /**
   * {@code images}' limits with {@code preprocessing}: the default (DCT-scaled JPEG decoding, EXIF
   * orientation) or DreamSim's exact one.
   */
  public static ImagePipeline pipeline(
      ImagePipeline images, IndexConfig.Preprocessing preprocessing) {
    ImagePipeline base =
        preprocessing == IndexConfig.Preprocessing.EXACT
            ? ImagePipeline.exact(images.maxPixels())
            : new ImagePipeline(images.maxPixels());
    return base.withMaxFileBytes(images.maxFileBytes())
        .withMaxUploadPixels(images.maxUploadPixels());
  }

  /** The index (null for {@link #withoutIndex}). */
  public ImageIndex index() {
    return index;
  }

  /** How images become vectors for this index. */
  public IngestPipeline ingest() {
    return ingest;
  }

  /** The query API over this index and its model. */
  public SimilaritySearch search() {
    return search;
  }

  /** The model, opened on first use. */
  public LazyEmbedder model() {
    return model;
  }

  @Override
  public void close() throws IOException {
    try {
      ingest.close();
    } finally {
      try {
        if (index != null) index.close();
      } finally {
        model.close();
      }
    }
  }
}
