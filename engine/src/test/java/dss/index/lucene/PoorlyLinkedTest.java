package dss.index.lucene;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dss.index.ImageIndex;
import java.io.IOException;
import java.util.List;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.hnsw.HnswGraph;
import org.junit.jupiter.api.Test;

/**
 * The graph walk on a graph written by hand as the merged 100k and 1M dedup indexes were found to
 * hold some copies: two near-copies that do not link to each other, each with a single link to the
 * same far item. The walk alone finds nothing from either; the poorly linked items' siblings find
 * the copy, at its exact distance, and nothing else.
 */
class PoorlyLinkedTest {
  static final int A = 0; // a photo
  static final int B = 1; // its near-copy
  static final int X = 2; // far from both
  static final int Y = 3; // far from all
  static final int C = 4; // far from all, linked to Y only

  /** Unit vectors: A and B 0.02 apart (cosine 0.98), the rest orthogonal to them and each other. */
  static final List<float[]> VECTORS =
      List.of(
          new float[] {1, 0, 0, 0, 0},
          new float[] {0.98f, (float) Math.sqrt(1 - 0.98 * 0.98), 0, 0, 0},
          new float[] {0, 0, 1, 0, 0},
          new float[] {0, 0, 0, 1, 0},
          new float[] {0, 0, 0, 0, 1});

  /** Bottom-level links: A -> X, B -> X, X -> Y, Y -> X, C -> Y. */
  static final int[][] LINKS = {{X}, {X}, {Y}, {X}, {Y}};

  static GraphNeighbourhood walk(Bits liveDocs) {
    return new GraphNeighbourhood(
        new HandMadeGraph(LINKS),
        FloatVectorValues.fromFloats(VECTORS, 5),
        liveDocs,
        VECTORS.size());
  }

  @Test
  void aPoorlyLinkedCopyIsFoundThroughTheItemBothLinkTo() throws IOException {
    GraphNeighbourhood walk = walk(null);
    GraphNeighbourhood.Siblings siblings = walk.siblings();
    assertEquals(0, walk.within(A, 0.15f, GraphNeighbourhood.Siblings.NONE).items().length);

    ImageIndex.Neighbours fromA = walk.within(A, 0.15f, siblings);
    assertArrayEquals(new int[] {B}, fromA.items());
    assertEquals(0.02f, fromA.distances()[0], 1e-6f);
    assertArrayEquals(new int[] {A}, walk.within(B, 0.15f, siblings).items());
    // C's sibling through Y is X, far: nothing within reach
    assertEquals(0, walk.within(C, 0.15f, siblings).items().length);
    assertTrue(walk.fewLinks(A, GraphNeighbourhood.FEW_LINKS));
  }

  @Test
  void aDeletedSiblingIsLeftOut() throws IOException {
    Bits allButB =
        new Bits() {
          @Override
          public boolean get(int index) {
            return index != B;
          }

          @Override
          public int length() {
            return VECTORS.size();
          }
        };
    GraphNeighbourhood walk = walk(allButB);
    assertEquals(0, walk.within(A, 0.15f, walk.siblings()).items().length);
  }

  @Test
  void linksAreCountedOnTheBottomLevel() throws IOException {
    int[][] links = {{1, 2, 3, 4}, {0}, {0}, {0}, {0}};
    GraphNeighbourhood walk =
        new GraphNeighbourhood(
            new HandMadeGraph(links), FloatVectorValues.fromFloats(VECTORS, 5), null, 5);
    assertFalse(walk.fewLinks(0, GraphNeighbourhood.FEW_LINKS));
    assertTrue(walk.fewLinks(1, GraphNeighbourhood.FEW_LINKS));
  }

  /** One level, the links above. */
  static final class HandMadeGraph extends HnswGraph {
    private final int[][] links;
    private int node;
    private int next;

    HandMadeGraph(int[][] links) {
      this.links = links;
    }

    @Override
    public void seek(int level, int target) {
      node = target;
      next = 0;
    }

    @Override
    public int size() {
      return links.length;
    }

    @Override
    public int nextNeighbor() {
      return next < links[node].length ? links[node][next++] : DocIdSetIterator.NO_MORE_DOCS;
    }

    @Override
    public int numLevels() {
      return 1;
    }

    @Override
    public int maxConn() {
      return 16;
    }

    @Override
    public int entryNode() {
      return 0;
    }

    @Override
    public NodesIterator getNodesOnLevel(int level) {
      int[] all = new int[links.length];
      for (int i = 0; i < all.length; i++) all[i] = i;
      return new ArrayNodesIterator(all, all.length);
    }

    @Override
    public int neighborCount() {
      return links[node].length;
    }
  }
}
