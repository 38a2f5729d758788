package dss.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dss.index.Hit;
import dss.index.ImageIndex;
import dss.index.ImageRecord;
import dss.index.IndexConfig;
import dss.index.lucene.LuceneIndex;
import dss.model.ModelInfo;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DuplicateFinder on a real Lucene index: HNSW neighbours, stored records, exact copies by hash,
 * deletions.
 */
class DuplicateFinderTest {
  static final int DIMS = 64;
  static final ModelInfo MODEL = new ModelInfo("test", "test", DIMS, "none");

  @TempDir Path dir;

  static float[] unit(float[] v) {
    double n = 0;
    for (float x : v) n += x * x;
    for (int i = 0; i < v.length; i++) v[i] = (float) (v[i] / Math.sqrt(n));
    return v;
  }

  static float[] random(Random r) {
    float[] v = new float[DIMS];
    for (int d = 0; d < DIMS; d++) v[d] = (float) r.nextGaussian();
    return unit(v);
  }

  /** {@code base} moved by noise of relative size eps: distance about eps^2 / 2. */
  static float[] near(float[] base, double eps, Random r) {
    float[] v = base.clone();
    for (int d = 0; d < DIMS; d++) v[d] += (float) (r.nextGaussian() * eps / Math.sqrt(DIMS));
    return unit(v);
  }

  static ImageRecord record(String name, String hash, int w, int h, long size, long mtime) {
    return new ImageRecord(name, "/photos/" + name + ".jpg", hash, size, mtime, w, h, "jpeg", 0);
  }

  List<DuplicateGroup> find(ImageIndex index, float threshold) throws IOException {
    index.commit();
    return new SimilaritySearch(index, null).duplicateGroups(threshold);
  }

  static Set<String> ids(DuplicateGroup g) {
    return g.members().stream().map(h -> h.image().id()).collect(Collectors.toSet());
  }

  @Test
  void findsPlantedGroupsAmongManyDistractors() throws IOException {
    Random r = new Random(1);
    try (ImageIndex index = LuceneIndex.openWritable(dir, MODEL, IndexConfig.DEFAULT)) {
      List<Set<String>> planted = new ArrayList<>();
      for (int g = 0; g < 20; g++) {
        float[] base = random(r);
        Set<String> members = new java.util.HashSet<>();
        for (int m = 0; m < 2 + g % 3; m++) {
          String id = "g" + g + "m" + m;
          index.upsert(
              record(id, id, 4000 - m, 3000, 1000, 1), near(base, 0.15, r)); // pairwise about 0.02
          members.add(id);
        }
        planted.add(members);
      }
      for (int i = 0; i < 500; i++)
        index.upsert(record("x" + i, "x" + i, 100, 100, 10, 1), random(r));
      index.commit();

      List<DuplicateGroup> groups = find(index, 0.1f);
      assertEquals(20, groups.size(), "the 20 planted groups and nothing else");
      for (DuplicateGroup g : groups)
        assertTrue(planted.contains(ids(g)), "a planted group: " + ids(g));
      for (int i = 1; i < groups.size(); i++) {
        assertTrue(
            groups.get(i - 1).members().size() >= groups.get(i).members().size(), "largest first");
      }
      DuplicateGroup first = groups.get(0);
      assertEquals(first.keeper(), first.members().get(0).image(), "members start with the keeper");
      assertEquals(0f, first.members().get(0).distance());
      assertTrue(first.keeper().id().endsWith("m0"), "keeper: largest pixel count");
      for (Hit h : first.members().subList(1, first.members().size())) {
        assertTrue(
            h.distance() > 0 && h.distance() <= 0.1f, "distance to the keeper: " + h.distance());
      }
    }
  }

  @Test
  void exactCopiesByHashAndDeletedDocumentsLeave() throws IOException {
    Random r = new Random(2);
    try (ImageIndex index = LuceneIndex.openWritable(dir, MODEL, IndexConfig.DEFAULT)) {
      // same bytes, different vectors (as if a model changed its mind): the hash alone groups them
      index.upsert(record("a", "samehash", 100, 100, 10, 5), random(r));
      index.upsert(record("b", "samehash", 100, 100, 10, 2), random(r)); // older: keeper
      index.upsert(record("c", "samehash", 100, 100, 10, 9), random(r));
      index.upsert(record("d", "other", 100, 100, 10, 1), random(r));
      index.commit();
      List<DuplicateGroup> groups = find(index, 0f);
      assertEquals(1, groups.size());
      assertEquals("b", groups.get(0).keeper().id());
      assertEquals(Set.of("a", "b", "c"), ids(groups.get(0)));

      index.delete("b");
      index.delete("c");
      index.commit();
      assertTrue(find(index, 0f).isEmpty(), "one live copy left: no group");
    }
  }

  @Test
  void noChainingThroughTheIndex() throws IOException {
    // a chain 0.05 apart on a great circle: ends 0.195 apart
    double step = Math.acos(0.95);
    try (ImageIndex index = LuceneIndex.openWritable(dir, MODEL, IndexConfig.DEFAULT)) {
      for (int i = 0; i < 3; i++) {
        float[] v = new float[DIMS];
        v[0] = (float) Math.cos(i * step);
        v[1] = (float) Math.sin(i * step);
        index.upsert(record("c" + i, "c" + i, i == 1 ? 200 : 100, 100, 10, 1), v);
      }
      index.commit();
      List<DuplicateGroup> groups = find(index, 0.1f);
      assertEquals(1, groups.size());
      assertEquals("c1", groups.get(0).keeper().id());
      assertFalse(ids(groups.get(0)).containsAll(Set.of("c0", "c2")));
    }
  }

  /**
   * A dismissal keeps its images out of each other's group, also when a third image (the keeper) is
   * near both, and splits byte-identical copies; other images still group with them; undoing it (a
   * new version of the pairs) groups them again.
   */
  @Test
  void dismissedImagesNeverShareAGroup(@TempDir Path state) throws IOException {
    Random r = new Random(7);
    float[] base = random(r);
    try (ImageIndex index = LuceneIndex.openWritable(dir, MODEL, IndexConfig.DEFAULT)) {
      index.upsert(record("keeper", "k", 4000, 3000, 1000, 1), base);
      index.upsert(record("a", "a", 2000, 1500, 900, 2), near(base, 0.1, r));
      index.upsert(record("b", "b", 2000, 1500, 800, 3), near(base, 0.1, r));
      float[] other = random(r);
      index.upsert(record("twin1", "same", 100, 100, 10, 4), other);
      index.upsert(record("twin2", "same", 100, 100, 10, 5), other);
      index.commit();
      SimilaritySearch search = new SimilaritySearch(index, null);
      assertEquals(
          List.of(Set.of("keeper", "a", "b"), Set.of("twin1", "twin2")),
          search.duplicateGroups(0.1f).stream().map(DuplicateFinderTest::ids).toList());

      dss.review.Dismissals dismissals =
          dss.review.Dismissals.open(state.resolve(dss.review.Dismissals.FILE_NAME));
      search.keepApart(dismissals);
      var ab = dismissals.add(List.of("a", "b"), id -> true);
      dismissals.add(List.of("twin1", "twin2"), id -> true);
      List<Set<String>> apart =
          search.duplicateGroups(0.1f).stream().map(DuplicateFinderTest::ids).toList();
      // the keeper takes the nearer of a and b; the other is alone; the twins are apart
      assertEquals(1, apart.size(), apart.toString());
      assertTrue(apart.get(0).contains("keeper"));
      assertFalse(apart.get(0).containsAll(Set.of("a", "b")));

      dismissals.remove(ab.id());
      List<Set<String>> undone =
          search.duplicateGroups(0.1f).stream().map(DuplicateFinderTest::ids).toList();
      assertEquals(List.of(Set.of("keeper", "a", "b")), undone);
    }
  }
}
