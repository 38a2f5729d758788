package dss.index.lucene;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dss.index.ImageIndex;
import dss.index.ImageRecord;
import dss.index.IndexConfig;
import dss.model.ModelInfo;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link ImageIndex.Snapshot#neighboursOf} on a real one-segment Lucene index, read from the HNSW
 * graph's links: against exact all-pairs distances on a generated library with planted copies
 * (recall of the pairs within the threshold, distances at full precision), with deletions, and on
 * an index of several segments (answered by search).
 */
class GraphNeighbourhoodTest {
  static final int DIMS = 128;
  static final ModelInfo MODEL = new ModelInfo("test", "test", DIMS, "none");
  static final float REACH = 0.15f;

  @TempDir Path dir;

  /**
   * 3,000 photos around 30 topic centres (about 0.5 apart within a topic), one in three with 1-3
   * near-copies (about 0.03 from the photo): the dedup benchmark's library, small.
   */
  static Map<String, float[]> library(long seed) {
    Random r = new Random(seed);
    float[][] topics = new float[30][];
    for (int t = 0; t < topics.length; t++) topics[t] = gaussian(r, 1f);
    Map<String, float[]> out = new HashMap<>();
    for (int p = 0; p < 3000; p++) {
      float[] photo = gaussian(r, 1f);
      for (int d = 0; d < DIMS; d++) photo[d] += topics[p % topics.length][d];
      unit(photo);
      out.put("p" + p, photo);
      int copies = p % 3 == 0 ? 1 + r.nextInt(3) : 0;
      for (int c = 1; c <= copies; c++) {
        float[] copy = gaussian(r, (float) (0.245 / Math.sqrt(DIMS)));
        for (int d = 0; d < DIMS; d++) copy[d] += photo[d];
        out.put("p" + p + "c" + c, unit(copy));
      }
    }
    return out;
  }

  static float[] gaussian(Random r, float sigma) {
    float[] v = new float[DIMS];
    for (int d = 0; d < DIMS; d++) v[d] = (float) r.nextGaussian() * sigma;
    return v;
  }

  static float[] unit(float[] v) {
    double n = 0;
    for (float x : v) n += x * x;
    for (int d = 0; d < v.length; d++) v[d] = (float) (v[d] / Math.sqrt(n));
    return v;
  }

  static float distance(float[] a, float[] b) {
    double dot = 0;
    for (int d = 0; d < a.length; d++) dot += a[d] * b[d];
    return (float) (1 - dot);
  }

  static ImageRecord record(String id) {
    return new ImageRecord(
        id, "/photos/" + id + ".jpg", "hash-" + id, 1000, 1, 400, 300, "jpeg", 0);
  }

  static String pair(String a, String b) {
    return a.compareTo(b) < 0 ? a + "|" + b : b + "|" + a;
  }

  @ParameterizedTest
  @EnumSource(
      value = IndexConfig.Quantization.class,
      names = {"NONE", "INT8"})
  void findsTheExactPairsWithinReach(IndexConfig.Quantization storage) throws IOException {
    Map<String, float[]> vectors = library(7);
    try (ImageIndex index =
        LuceneIndex.openWritable(dir, MODEL, new IndexConfig(storage, 16, 100))) {
      for (var e : vectors.entrySet()) index.upsert(record(e.getKey()), e.getValue());
      index.optimize();
      assertEquals(1, index.stats().segments());
    }
    String[] ids = vectors.keySet().toArray(String[]::new);
    Set<String> exact = new HashSet<>(); // every pair within reach, by a plain loop over all pairs
    for (int i = 0; i < ids.length; i++) {
      for (int j = i + 1; j < ids.length; j++) {
        if (distance(vectors.get(ids[i]), vectors.get(ids[j])) <= REACH)
          exact.add(pair(ids[i], ids[j]));
      }
    }
    assertTrue(exact.size() > 1500, "the library has planted copies: " + exact.size() + " pairs");

    Set<String> found = new HashSet<>();
    try (ImageIndex index = LuceneIndex.openReadOnly(dir);
        ImageIndex.Snapshot s = index.snapshot()) {
      for (int item = 0; item < s.items(); item++) {
        String id = s.record(item).id();
        ImageIndex.Neighbours n = s.neighboursOf(item, REACH);
        for (int i = 0; i < n.items().length; i++) {
          String other = s.record(n.items()[i]).id();
          assertFalse(other.equals(id), "the item itself is left out");
          float exactDistance = distance(vectors.get(id), vectors.get(other));
          assertEquals(
              exactDistance,
              n.distances()[i],
              1e-4f,
              "full-precision distance of " + id + "-" + other);
          assertTrue(n.distances()[i] <= REACH);
          if (i > 0) assertTrue(n.distances()[i] >= n.distances()[i - 1], "nearest first");
          found.add(pair(id, other));
        }
      }
    }
    long missed = exact.stream().filter(p -> !found.contains(p)).count();
    assertTrue(
        missed <= exact.size() / 1000,
        storage
            + ": "
            + missed
            + " of "
            + exact.size()
            + " pairs within reach missed (at most 0.1% allowed)");
    assertTrue(exact.containsAll(found), "only pairs within reach");
  }

  @Test
  void leavesOutDeletedImages() throws IOException {
    Random r = new Random(3);
    float[] photo = unit(gaussian(r, 1f));
    try (ImageIndex index = LuceneIndex.openWritable(dir, MODEL, IndexConfig.DEFAULT)) {
      for (int i = 0; i < 200; i++) index.upsert(record("x" + i), unit(gaussian(r, 1f)));
      for (int c = 0; c < 3; c++) {
        float[] copy = gaussian(r, (float) (0.2 / Math.sqrt(DIMS)));
        for (int d = 0; d < DIMS; d++) copy[d] += photo[d];
        index.upsert(record("copy" + c), unit(copy));
      }
      index.optimize();
      index.delete("copy1");
      index.commit();
      try (ImageIndex.Snapshot s = index.snapshot()) {
        assertEquals(1, s.items() - s.count(), "the deleted copy is still in the segment");
        int copy0 = itemOf(s, "copy0");
        Set<String> near = new HashSet<>();
        for (int item : s.neighboursOf(copy0, REACH).items()) near.add(s.record(item).id());
        assertEquals(Set.of("copy2"), near);
      }
    }
  }

  @Test
  void severalSegmentsAnswerBySearch() throws IOException {
    Random r = new Random(5);
    float[] photo = unit(gaussian(r, 1f));
    try (ImageIndex index = LuceneIndex.openWritable(dir, MODEL, IndexConfig.DEFAULT)) {
      for (int i = 0; i < 100; i++) index.upsert(record("a" + i), unit(gaussian(r, 1f)));
      index.upsert(record("photo"), photo);
      index.commit();
      for (int i = 0; i < 100; i++) index.upsert(record("b" + i), unit(gaussian(r, 1f)));
      float[] copy = gaussian(r, (float) (0.2 / Math.sqrt(DIMS)));
      for (int d = 0; d < DIMS; d++) copy[d] += photo[d];
      index.upsert(record("copy"), unit(copy)); // in the second segment, its photo in the first
      index.commit();
      assertTrue(index.stats().segments() > 1);
      try (ImageIndex.Snapshot s = index.snapshot()) {
        int[] near = s.neighboursOf(itemOf(s, "photo"), REACH).items();
        assertEquals(1, near.length);
        assertEquals("copy", s.record(near[0]).id());
      }
    }
  }

  static int itemOf(ImageIndex.Snapshot s, String id) throws IOException {
    for (int item = 0; item < s.items(); item++)
      if (s.live(item) && s.record(item).id().equals(id)) return item;
    throw new AssertionError(id + " not found");
  }
}
