package dss.index.lucene;

import dss.index.ImageIndex;
import java.io.IOException;
import java.util.Arrays;
import java.util.BitSet;
import org.apache.lucene.codecs.KnnVectorsReader;
import org.apache.lucene.codecs.hnsw.HnswGraphProvider;
import org.apache.lucene.codecs.perfield.PerFieldKnnVectorsFormat;
import org.apache.lucene.index.CodecReader;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.VectorUtil;
import org.apache.lucene.util.hnsw.HnswGraph;

/**
 * The items close to an item, read from the HNSW graph that the index already holds instead of
 * searched for: the item's links on the graph's bottom level, and the links of every linked item
 * within reach, and so on (a breadth-first walk that only passes through items within reach). Each
 * step is a few dot products at full precision where a search is thousands; the whole-library dedup
 * asks this of every image.
 *
 * <p>Why more than one hop: the graph's diversity heuristic drops a link A-C when C is closer to a
 * kept neighbour B than to A, which is exactly the case inside a tight cluster of copies; C is then
 * reached through B, which is within reach of A. A copy linked to A only through an item beyond
 * reach is missed from A's side (it is usually found from its own side); the dedup recall benchmark
 * measures what is left.
 *
 * <p>Poorly linked items: an item with at most {@value #FEW_LINKS} links on the bottom level (a
 * near-copy whose one kept link is its twin, but also an item the graph's construction or a merge
 * left nearly unconnected) can have a copy that neither links to. The misses measured at 100k were
 * all such items: their copy is found among the other poorly linked items that link to the same
 * item ({@link Siblings}), or else by a search (the caller, when the walk found nothing and the
 * item has at most {@value #SEARCH_BELOW} links).
 *
 * <p>One segment's graph only: the snapshot uses this when the index is one segment (after a merge)
 * and searches otherwise. Not thread-safe: one instance per thread (the graph and the vector values
 * carry a read position).
 */
final class GraphNeighbourhood {
  /**
   * Items returned at most (a cluster of identical vectors larger than this is cut: the grouping
   * still works).
   */
  static final int MAX_FOUND = 2048;

  /** Links at most, on the bottom level, of a poorly linked item (of up to 2 M = 32). */
  static final int FEW_LINKS = 3;

  /**
   * Links at most of an item whose walk found nothing and is searched instead: a quarter of the 2 M
   * = 32 a well linked item has (the cost: a search for about 8% of the items at 1M, 7% at 100k).
   */
  static final int SEARCH_BELOW = 8;

  private final HnswGraph graph;
  private final FloatVectorValues vectors;
  private final Bits liveDocs;
  private final BitSet visited;
  private int[] queue = new int[64];

  /**
   * Every document the current walk visited, to clear just those bits after it (not the whole set).
   */
  private int[] seen = new int[256];

  private int seenCount;

  GraphNeighbourhood(HnswGraph graph, FloatVectorValues vectors, Bits liveDocs, int size) {
    this.graph = graph;
    this.vectors = vectors;
    this.liveDocs = liveDocs;
    this.visited = new BitSet(size);
  }

  /**
   * The walk over a segment's graph of {@code field}, or null when the segment has no graph (no
   * vectors, an exact-only format) or a document without a vector (then graph ordinals are not
   * document numbers).
   */
  static GraphNeighbourhood of(LeafReader leaf, String field) throws IOException {
    if (!(leaf instanceof CodecReader codec)) return null;
    KnnVectorsReader reader = codec.getVectorReader();
    if (reader instanceof PerFieldKnnVectorsFormat.FieldsReader perField)
      reader = perField.getFieldReader(field);
    if (!(reader instanceof HnswGraphProvider provider)) return null;
    FloatVectorValues vectors = leaf.getFloatVectorValues(field);
    if (vectors == null || vectors.size() != leaf.maxDoc()) return null;
    HnswGraph graph = provider.getGraph(field);
    if (graph == null || graph.size() != vectors.size()) return null;
    return new GraphNeighbourhood(graph, vectors, leaf.getLiveDocs(), leaf.maxDoc());
  }

  /**
   * Live documents within {@code maxDistance} (DreamSim distance, exact) of {@code doc}, nearest
   * first, {@code doc} itself left out; document numbers are the segment's. At most {@value
   * #MAX_FOUND}.
   */
  ImageIndex.Neighbours within(int doc, float maxDistance, Siblings siblings) throws IOException {
    float[] query = vectors.vectorValue(doc).clone();
    float minDot = 1f - maxDistance;
    Found found = new Found();
    int head = 0;
    int tail = 0;
    queue[tail++] = doc;
    visit(doc);
    try {
      int links = 0; // the item's own, on the bottom level
      while (head < tail && found.count < MAX_FOUND) {
        int from = queue[head++];
        graph.seek(0, from);
        for (int next = graph.nextNeighbor();
            next != DocIdSetIterator.NO_MORE_DOCS;
            next = graph.nextNeighbor()) {
          if (from == doc) links++;
          if (visited.get(next)) continue;
          visit(next);
          float dot = VectorUtil.dotProduct(query, vectors.vectorValue(next));
          if (dot < minDot) continue;
          if (tail == queue.length) queue = Arrays.copyOf(queue, tail * 2);
          queue[tail++] =
              next; // within reach: its links are walked too (deleted documents still link)
          if (liveDocs == null || liveDocs.get(next)) found.add(next, dot);
        }
      }
      // a poorly linked item: also the other poorly linked items that link where it does
      for (int next : links <= FEW_LINKS ? siblings.of(doc, this) : new int[0]) {
        if (found.count >= MAX_FOUND || visited.get(next)) continue;
        visit(next);
        if (liveDocs != null && !liveDocs.get(next)) continue;
        float dot = VectorUtil.dotProduct(query, vectors.vectorValue(next));
        if (dot >= minDot) found.add(next, dot);
      }
    } finally {
      for (int i = 0; i < seenCount; i++) visited.clear(seen[i]);
      seenCount = 0;
    }
    int count = Math.min(found.count, MAX_FOUND);
    float[] distances = new float[count];
    for (int i = 0; i < count; i++) distances[i] = Math.max(0f, 1f - found.dots[i]);
    return nearestFirst(found.items, distances, count);
  }

  /** Items found within reach and their dot products with the query, in the order found. */
  private static final class Found {
    int[] items = new int[16];
    float[] dots = new float[16];
    int count;

    void add(int item, float dot) {
      if (count == items.length) {
        items = Arrays.copyOf(items, count * 2);
        dots = Arrays.copyOf(dots, count * 2);
      }
      items[count] = item;
      dots[count++] = dot;
    }
  }

  /** The item's links on the bottom level. */
  int[] links(int doc) throws IOException {
    graph.seek(0, doc);
    int[] out = new int[8];
    int n = 0;
    for (int next = graph.nextNeighbor();
        next != DocIdSetIterator.NO_MORE_DOCS;
        next = graph.nextNeighbor()) {
      if (n == out.length) out = Arrays.copyOf(out, n * 2);
      out[n++] = next;
    }
    return Arrays.copyOf(out, n);
  }

  /** Whether the item has at most {@code most} links on the bottom level. */
  boolean fewLinks(int doc, int most) throws IOException {
    graph.seek(0, doc);
    int n = 0;
    while (graph.nextNeighbor() != DocIdSetIterator.NO_MORE_DOCS) if (++n > most) return false;
    return true;
  }

  /** The segment's poorly linked items by the items they link to (one pass over every item). */
  Siblings siblings() throws IOException {
    long[] pairs = new long[1024];
    int n = 0;
    for (int doc = 0; doc < graph.size(); doc++) {
      if (!fewLinks(doc, FEW_LINKS)) continue;
      for (int target : links(doc)) {
        if (n == pairs.length) pairs = Arrays.copyOf(pairs, n * 2);
        pairs[n++] = (long) target << 32 | doc;
      }
    }
    pairs = Arrays.copyOf(pairs, n);
    Arrays.sort(pairs);
    return new Siblings(pairs);
  }

  /**
   * Poorly linked items (at most {@value #FEW_LINKS} links) by the items they link to: two
   * near-copies that the graph left linked only to the same third item are siblings here. Shared by
   * the threads of one snapshot; 8 bytes per link of a poorly linked item.
   */
  static final class Siblings {
    static final Siblings NONE = new Siblings(new long[0]);

    /** (linked item << 32 | poorly linked item), sorted. */
    private final long[] pairs;

    private Siblings(long[] pairs) {
      this.pairs = pairs;
    }

    /** The other poorly linked items linking where the poorly linked item {@code doc} links. */
    int[] of(int doc, GraphNeighbourhood walk) throws IOException {
      if (pairs.length == 0) return new int[0];
      int[] out = new int[8];
      int n = 0;
      for (int target : walk.links(doc)) {
        int at = Arrays.binarySearch(pairs, (long) target << 32);
        for (int i = at < 0 ? -at - 1 : at; i < pairs.length && pairs[i] >>> 32 == target; i++) {
          int other = (int) pairs[i];
          if (other == doc) continue;
          if (n == out.length)
            out = Arrays.copyOf(out, n * 2); // doubling: an item many link to has many siblings
          out[n++] = other;
        }
      }
      return Arrays.copyOf(out, n);
    }
  }

  private void visit(int doc) {
    visited.set(doc);
    if (seenCount == seen.length) seen = Arrays.copyOf(seen, seenCount * 2);
    seen[seenCount++] = doc;
  }

  /** The first {@code count} items, nearest first (then by document). */
  static ImageIndex.Neighbours nearestFirst(int[] docs, float[] distance, int count) {
    Integer[] order = new Integer[count];
    for (int i = 0; i < count; i++) order[i] = i;
    Arrays.sort(
        order,
        (a, b) ->
            distance[a] != distance[b]
                ? Float.compare(distance[a], distance[b])
                : Integer.compare(docs[a], docs[b]));
    int[] items = new int[count];
    float[] distances = new float[count];
    for (int i = 0; i < count; i++) {
      items[i] = docs[order[i]];
      distances[i] = distance[order[i]];
    }
    return new ImageIndex.Neighbours(items, distances);
  }
}
