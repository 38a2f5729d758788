package dss.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dss.cli.UsageError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The 2AFC scorer against a small dataset scored by hand (DreamSim's rule: votes >= 6, split, ties
 * = 0.5).
 */
class TwoAfcTest {
  @TempDir Path dir;

  static final String HEADER =
      "id,left_vote,right_vote,votes,ref_path,left_path,right_path,split,is_imagenet,prompt\n";

  // vectors: ref = e0; "near" is close to ref, "far" is orthogonal; "twin1"/"twin2" are identical
  // (a tie)
  static Map<Path, float[]> vectors(Path dir) {
    Map<Path, float[]> v = new HashMap<>();
    float s = (float) Math.sqrt(0.5);
    v.put(dir.resolve("ref.png"), new float[] {1, 0, 0});
    v.put(dir.resolve("near.png"), new float[] {s, s, 0});
    v.put(dir.resolve("far.png"), new float[] {0, 0, 1});
    v.put(dir.resolve("twin1.png"), new float[] {0, 1, 0});
    v.put(dir.resolve("twin2.png"), new float[] {0, 1, 0});
    return v;
  }

  Path write(String body) throws IOException {
    Files.writeString(dir.resolve("data.csv"), HEADER + body);
    return dir;
  }

  @Test
  void handScoredDataset() throws IOException {
    write(
        """
        0,1.0,0.0,6,ref.png,near.png,far.png,test,True,"a dog, running"
        1,0.0,1.0,6,ref.png,near.png,far.png,test,False,people chose the far one: model disagrees
        2,0.75,0.25,7,ref.png,twin1.png,twin2.png,test,False,"a tie: ""half"" a point"
        3,0.0,1.0,5,ref.png,near.png,far.png,test,True,five votes: filtered out
        4,0.0,1.0,6,ref.png,near.png,far.png,val,True,another split
        5,0.8,0.2,6,ref.png,far.png,near.png,test,True,right is closer: scores t
        """);
    List<TwoAfc.Triplet> test = TwoAfc.load(dir, "test");
    assertEquals(List.of("0", "1", "2", "5"), test.stream().map(TwoAfc.Triplet::id).toList());
    TwoAfc.Result r = TwoAfc.accuracy("test", test, vectors(dir));
    // row 0: left closer, t=0 -> 1; row 1: left closer, t=1 -> 0; row 2: tie -> 0.5; row 5: right
    // closer, t=0.2 -> 0.2
    assertEquals(4, r.n());
    assertEquals((1 + 0 + 0.5 + 0.2) / 4, r.accuracy(), 1e-12);

    assertEquals(
        List.of("0", "5"),
        TwoAfc.load(dir, "test_imagenet").stream().map(TwoAfc.Triplet::id).toList());
    assertEquals(
        List.of("1", "2"),
        TwoAfc.load(dir, "test_no_imagenet").stream().map(TwoAfc.Triplet::id).toList());
    assertEquals(List.of("4"), TwoAfc.load(dir, "val").stream().map(TwoAfc.Triplet::id).toList());
  }

  @Test
  void rowScore() {
    assertEquals(1.0, TwoAfc.score(0.1f, 0.2f, 0.0), 0);
    assertEquals(0.0, TwoAfc.score(0.1f, 0.2f, 1.0), 0);
    assertEquals(0.5, TwoAfc.score(0.3f, 0.3f, 1.0), 0);
    assertEquals(0.5, TwoAfc.score(0.3f, 0.3f, 0.0), 0);
    assertEquals(0.7, TwoAfc.score(0.4f, 0.2f, 0.7), 1e-12);
  }

  @Test
  void missingVectorsAreLeftOut() throws IOException {
    write(
        "0,1.0,0.0,6,ref.png,near.png,far.png,test,True,x\n1,1.0,0.0,6,ref.png,broken.png,far.png,test,True,y\n");
    TwoAfc.Result r = TwoAfc.accuracy("test", TwoAfc.load(dir, "test"), vectors(dir));
    assertEquals(1, r.n());
    assertEquals(1.0, r.accuracy());
  }

  @Test
  void badInputNamesFileLineAndField() throws IOException {
    write("0,1.0,0.0,six,ref.png,near.png,far.png,test,True,x\n");
    IOException e = assertThrows(IOException.class, () -> TwoAfc.load(dir, "test"));
    assertTrue(
        e.getMessage().contains("data.csv line 2") && e.getMessage().contains("votes"),
        e.getMessage());

    write("0,1.0,4,6,ref.png,near.png,far.png,test,True,x\n");
    e = assertThrows(IOException.class, () -> TwoAfc.load(dir, "test"));
    assertTrue(e.getMessage().contains("right_vote"), e.getMessage());

    Files.writeString(dir.resolve("data.csv"), "id,left_vote,votes\n0,1,6\n");
    e = assertThrows(IOException.class, () -> TwoAfc.load(dir, "test"));
    assertTrue(e.getMessage().contains("missing column 'right_vote'"), e.getMessage());

    assertThrows(UsageError.class, () -> TwoAfc.load(dir, "tset"));
    e = assertThrows(IOException.class, () -> TwoAfc.load(dir.resolve("nowhere"), "test"));
    assertTrue(e.getMessage().contains("data.csv"), e.getMessage());
  }
}
