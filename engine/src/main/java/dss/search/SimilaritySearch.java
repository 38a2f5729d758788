package dss.search;

import dss.image.ImageException;
import dss.index.Hit;
import dss.index.ImageIndex;
import dss.index.ImageRecord;
import dss.index.KnnOptions;
import dss.index.KnnQuery;
import dss.index.Listing;
import dss.index.ListingQuery;
import dss.ingest.IngestPipeline;
import dss.model.ModelException;
import dss.model.Vectors;
import dss.util.InvalidSettingException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The query API: what every command and HTTP handler asks of a library, in one place.
 *
 * <ul>
 *   <li>an image (bytes, a file) or an indexed image's id -> the nearest images ({@link #byImage},
 *       {@link #byFile}, {@link #byId});
 *   <li>two images (uploads or indexed ids) -> their DreamSim distance, and per backbone for an
 *       ensemble ({@link #distance}, {@link #explain}, {@link #explainIds}, {@link #embedding},
 *       {@link #storedVector});
 *   <li>positive and negative examples (indexed ids) -> the nearest images to their combination
 *       ({@link #byExamples});
 *   <li>an image -> the indexed near-duplicates of it ({@link #nearDuplicates});
 *   <li>the whole library -> duplicate groups ({@link #duplicateGroups}, cached until the index
 *       changes);
 *   <li>the whole library -> a sorted, filtered page of it ({@link #list}).
 * </ul>
 *
 * Query images go through the same {@link IngestPipeline} as indexed ones, so a photo and its
 * indexed copy get the same vector. Searches by id use the stored vector (no model run).
 * Thread-safe.
 */
public final class SimilaritySearch {
  private final ImageIndex index;
  private final IngestPipeline ingest;
  private volatile CachedGroups cachedGroups;

  private record CachedGroups(
      long version,
      Apart apart,
      long apartVersion,
      float threshold,
      int candidates,
      List<DuplicateGroup> groups) {}

  /**
   * @param index the library; null for image-only use ({@link #distance})
   * @param ingest how query images become vectors; null when only indexed images are queried
   */
  public SimilaritySearch(ImageIndex index, IngestPipeline ingest) {
    this.index = index;
    this.ingest = ingest;
  }

  /** Hits and where the time went, in milliseconds (decode and model are 0 for a search by id). */
  public record Result(List<Hit> hits, double decodeMs, double modelMs, double searchMs) {}

  /**
   * The nearest indexed images to an image in memory (an upload); {@code name} names it in errors.
   */
  public Result byImage(byte[] image, String name, KnnOptions options)
      throws IOException, ImageException, ModelException {
    return search(requireIngest().embed(image, name), options);
  }

  /** The nearest indexed images to an image file. */
  public Result byFile(Path file, KnnOptions options)
      throws IOException, ImageException, ModelException {
    return search(requireIngest().embed(file), options);
  }

  /**
   * The nearest indexed images to an indexed one, by its stored vector.
   *
   * @throws UnknownImageException when no image has this id
   */
  public Result byId(String id, KnnOptions options) throws IOException {
    long start = System.nanoTime();
    try (ImageIndex.Snapshot snapshot = requireIndex().snapshot()) {
      float[] vector = snapshot.vector(id).orElseThrow(() -> new UnknownImageException(id));
      List<Hit> hits = snapshot.knn(new KnnQuery(vector, id, options));
      return new Result(hits, 0, 0, (System.nanoTime() - start) / 1e6);
    }
  }

  /** Indexed images within {@code threshold} of an image, nearest first, at most {@code k}. */
  public List<Hit> nearDuplicates(byte[] image, String name, float threshold, int k)
      throws IOException, ImageException, ModelException {
    IngestPipeline.Embedded query = requireIngest().embed(image, name);
    return requireIndex()
        .knn(new KnnQuery(query.vector(), null, KnnOptions.of(k).withMaxDistance(threshold)));
  }

  /** DreamSim distance of two images: 1 - cosine of their unit embeddings, in [0, 2]. */
  public float distance(byte[] a, String nameA, byte[] b, String nameB)
      throws ImageException, ModelException {
    return distance(
        requireIngest().embed(a, nameA).vector(), requireIngest().embed(b, nameB).vector());
  }

  /**
   * The distance of two indexed images from their stored vectors (no model run), and per branch
   * when the model records its layout.
   *
   * @throws UnknownImageException naming the first id that is not indexed
   */
  public Explained explainIds(String a, String b) throws IOException, ModelException {
    try (ImageIndex.Snapshot snapshot = requireIndex().snapshot()) {
      float[] va = snapshot.vector(a).orElseThrow(() -> new UnknownImageException(a));
      float[] vb = snapshot.vector(b).orElseThrow(() -> new UnknownImageException(b));
      return explain(va, vb);
    }
  }

  /**
   * The distance of two embeddings (see {@link #embedding}, {@link #storedVector}), per branch too.
   */
  public Explained explain(float[] a, float[] b) throws ModelException {
    return Explained.of(a, b, ingest == null ? List.of() : ingest.branches());
  }

  /** The embedding of an image in memory (an upload), as the index would store it. */
  public float[] embedding(byte[] image, String name) throws ImageException, ModelException {
    return requireIngest().embed(image, name).vector();
  }

  /**
   * The stored vector of an indexed image.
   *
   * @throws UnknownImageException when no image has this id
   */
  public float[] storedVector(String id) throws IOException {
    try (ImageIndex.Snapshot snapshot = requireIndex().snapshot()) {
      return snapshot.vector(id).orElseThrow(() -> new UnknownImageException(id));
    }
  }

  /**
   * How much a negative example counts against a positive one in {@link #byExamples}. Below 1: a
   * negative says only what is not wanted, and subtracting it at full weight drags the query
   * towards the negative's opposite (for embeddings, mostly noise) and away from the positives; 0.5
   * keeps the positives in charge while moving images like the negative down (relevance feedback in
   * the Rocchio tradition weighs negatives below positives likewise).
   */
  public static final float NEGATIVE_WEIGHT = 0.5f;

  /**
   * The images nearest to a combination of indexed examples: the query vector is {@code
   * normalise(sum of positives - }{@value #NEGATIVE_WEIGHT}{@code * sum of negatives)} of their
   * stored vectors (no model run). The examples themselves are left out of the results, except for
   * a lone positive with no negatives, which is exactly {@link #byId} (the image itself first, at
   * distance 0).
   *
   * @throws UnknownImageException naming the first id that is not indexed
   * @throws InvalidSettingException when there is no positive, or the examples cancel out (a zero
   *     vector)
   */
  public Result byExamples(List<String> positives, List<String> negatives, KnnOptions options)
      throws IOException {
    if (positives.isEmpty())
      throw new InvalidSettingException("at least one positive example is needed");
    if (positives.size() == 1 && negatives.isEmpty()) return byId(positives.get(0), options);
    long start = System.nanoTime();
    try (ImageIndex.Snapshot snapshot = requireIndex().snapshot()) {
      float[] query = null;
      java.util.Set<String> examples = new java.util.HashSet<>();
      for (int sign = 0; sign < 2; sign++) {
        List<String> ids = sign == 0 ? positives : negatives;
        float weight = sign == 0 ? 1f : -NEGATIVE_WEIGHT;
        for (String id : ids) {
          float[] v = snapshot.vector(id).orElseThrow(() -> new UnknownImageException(id));
          if (query == null) query = new float[v.length];
          for (int i = 0; i < v.length; i++) query[i] += weight * v[i];
          examples.add(id);
        }
      }
      if (!Vectors.normalize(query)) {
        throw new InvalidSettingException(
            "the positive and negative examples cancel out: no direction to search");
      }
      // ask for as many more as there are examples, so k remain once they are left out
      int k = options.k() + examples.size();
      List<Hit> hits =
          snapshot.knn(new KnnQuery(query, null, options.withK(k))).stream()
              .filter(h -> !examples.contains(h.image().id()))
              .limit(options.k())
              .toList();
      return new Result(hits, 0, 0, (System.nanoTime() - start) / 1e6);
    }
  }

  /** DreamSim distance of two image files. */
  public float distance(Path a, Path b) throws ImageException, ModelException {
    return distance(requireIngest().embed(a).vector(), requireIngest().embed(b).vector());
  }

  /**
   * DreamSim distance of two unit vectors, never below 0 (rounding can put an image -1e-7 from
   * itself).
   */
  public static float distance(float[] a, float[] b) {
    return Vectors.distance(a, b);
  }

  /**
   * Whole-library duplicate groups at {@code threshold}; cached until the index changes (the scan
   * visits all).
   */
  public List<DuplicateGroup> duplicateGroups(float threshold) throws IOException {
    return duplicateGroups(threshold, 0);
  }

  /**
   * As {@link #duplicateGroups(float)}, each neighbour query collecting {@code candidates}; 0: the
   * search default ({@link DuplicateFinder#find(ImageIndex.Snapshot, float, int)}).
   */
  public List<DuplicateGroup> duplicateGroups(float threshold, int candidates) throws IOException {
    Apart apart = this.apart;
    long apartVersion = apart.version();
    try (ImageIndex.Snapshot snapshot = requireIndex().snapshot()) {
      CachedGroups cached = cachedGroups;
      if (cached != null
          && cached.version() == snapshot.version()
          && cached.apart() == apart
          && cached.apartVersion() == apartVersion
          && cached.threshold() == threshold
          && cached.candidates() == candidates) {
        return cached.groups();
      }
      List<DuplicateGroup> groups = DuplicateFinder.find(snapshot, threshold, candidates, apart);
      cachedGroups =
          new CachedGroups(snapshot.version(), apart, apartVersion, threshold, candidates, groups);
      return groups;
    }
  }

  private volatile Apart apart = Apart.NONE;

  /**
   * The pairs the duplicate groups keep apart from now on ({@link dss.review.Dismissals}); groups
   * are recomputed when they change.
   */
  public void keepApart(Apart apart) {
    this.apart = apart == null ? Apart.NONE : apart;
  }

  /**
   * A page of the library listing and the version of the index it was read from (a key for HTTP
   * caching).
   */
  public record Page(long version, Listing listing) {}

  /**
   * A page of the library in a stable order, filtered by path prefix ({@link
   * ImageIndex.Snapshot#list}).
   */
  public Page list(ListingQuery query) throws IOException {
    try (ImageIndex.Snapshot snapshot = requireIndex().snapshot()) {
      return new Page(snapshot.version(), snapshot.list(query));
    }
  }

  private record CachedFolders(long version, List<String> roots, FolderTree tree) {}

  private volatile CachedFolders cachedFolders;

  /**
   * The library's folder tree under {@code roots} ({@link FolderTree}); cached until the index
   * changes (building it reads every record).
   */
  public FolderTree folders(List<String> roots) throws IOException {
    try (ImageIndex.Snapshot snapshot = requireIndex().snapshot()) {
      CachedFolders cached = cachedFolders;
      if (cached != null && cached.version() == snapshot.version() && cached.roots().equals(roots))
        return cached.tree();
      List<String> paths = new java.util.ArrayList<>();
      for (int item = 0; item < snapshot.items(); item++)
        if (snapshot.live(item)) paths.add(snapshot.record(item).path());
      FolderTree tree = FolderTree.of(roots, paths);
      cachedFolders = new CachedFolders(snapshot.version(), List.copyOf(roots), tree);
      return tree;
    }
  }

  /**
   * The record of an indexed image.
   *
   * @throws UnknownImageException when no image has this id
   */
  public ImageRecord image(String id) throws IOException {
    return requireIndex().get(id).orElseThrow(() -> new UnknownImageException(id));
  }

  private Result search(IngestPipeline.Embedded query, KnnOptions options) throws IOException {
    long start = System.nanoTime();
    List<Hit> hits = requireIndex().knn(new KnnQuery(query.vector(), null, options));
    return new Result(hits, query.decodeMs(), query.modelMs(), (System.nanoTime() - start) / 1e6);
  }

  private ImageIndex requireIndex() {
    if (index == null) throw new IllegalStateException("this search has no index");
    return index;
  }

  private IngestPipeline requireIngest() {
    if (ingest == null) throw new IllegalStateException("this search has no model");
    return ingest;
  }
}
