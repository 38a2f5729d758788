package dss.review;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dss.index.ImageIndex;
import dss.index.ImageRecord;
import dss.index.IndexConfig;
import dss.index.TestVectors;
import dss.index.lucene.LuceneIndex;
import dss.model.ModelInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quarantine's mechanics on a real Lucene index and real files: where a file goes with and
 * without a known library folder (the deepest one that holds it), and an undo after a restart, from
 * the log on disk alone.
 */
class QuarantineTest {
  static final int DIMS = 8;
  static final ModelInfo MODEL = new ModelInfo("q", "q", DIMS, "q");

  @TempDir Path tmp;

  ImageRecord add(ImageIndex index, Path file, float[] vector) throws Exception {
    Files.createDirectories(file.getParent());
    Files.writeString(file, "photo " + file.getFileName());
    String path = file.toAbsolutePath().normalize().toString();
    ImageRecord record =
        new ImageRecord(
            ImageRecord.idFor(path),
            path,
            "h-" + file.getFileName(),
            Files.size(file),
            Files.getLastModifiedTime(file).toMillis(),
            4,
            3,
            "jpeg",
            1);
    index.upsert(record, vector);
    return record;
  }

  @Test
  void targetsFollowTheDeepestLibraryFolderElseTheAbsolutePath() throws Exception {
    float[][] v = TestVectors.clustered(3, DIMS, 1);
    Path library = tmp.resolve("photos");
    Path nested = library.resolve("phone");
    Path outside = tmp.resolve("elsewhere/x.jpg");
    try (ImageIndex index =
        LuceneIndex.openWritable(tmp.resolve("index"), MODEL, IndexConfig.DEFAULT)) {
      add(index, library.resolve("2024/a.jpg"), v[0]);
      add(index, nested.resolve("b.jpg"), v[1]);
      add(index, outside, v[2]);
      index.commit();
      Quarantine q = new Quarantine(tmp.resolve("q"), index, () -> List.of(library, nested));
      List<String> ids =
          List.of(library.resolve("2024/a.jpg"), nested.resolve("b.jpg"), outside).stream()
              .map(p -> ImageRecord.idFor(p.toAbsolutePath().normalize().toString()))
              .toList();
      Quarantine.Moves moves = q.move("some-keeper", ids);
      assertEquals(List.of(), moves.failures());
      Path abs = outside.toAbsolutePath().normalize();
      assertEquals(
          List.of(
              tmp.resolve("q/2024/a.jpg").toString(),
              tmp.resolve("q/b.jpg").toString(),
              tmp.resolve("q").resolve(abs.getRoot().relativize(abs)).toString()),
          moves.moves().stream().map(Quarantine.Move::to).toList());
      for (Quarantine.Move m : moves.moves()) {
        assertTrue(Files.exists(Path.of(m.to())));
        assertFalse(Files.exists(Path.of(m.from())));
      }
      assertEquals(0, index.count());
    }
  }

  @Test
  void aFileChangedSinceItWasIndexedIsNotMoved() throws Exception {
    float[][] v = TestVectors.clustered(2, DIMS, 3);
    try (ImageIndex index =
        LuceneIndex.openWritable(tmp.resolve("index"), MODEL, IndexConfig.DEFAULT)) {
      ImageRecord changed = add(index, tmp.resolve("photos/changed.jpg"), v[0]);
      ImageRecord same = add(index, tmp.resolve("photos/same.jpg"), v[1]);
      index.commit();
      Path file = Path.of(changed.path());
      Files.setLastModifiedTime(
          file, java.nio.file.attribute.FileTime.fromMillis(changed.mtime() + 5_000));
      Quarantine q = new Quarantine(tmp.resolve("q"), index, () -> List.of(tmp.resolve("photos")));
      Quarantine.Moves moves = q.move("k", List.of(changed.id(), same.id()));
      assertEquals(1, moves.failures().size());
      assertTrue(moves.failures().get(0).error().contains("changed on disk since it was indexed"));
      assertTrue(Files.exists(file), "left where it is");
      assertTrue(index.get(changed.id()).isPresent(), "and in the index");
      assertEquals(same.id(), moves.moves().get(0).id());
    }
  }

  @Test
  void undoAfterARestartRestoresTheDocumentFromTheLog() throws Exception {
    float[][] v = TestVectors.clustered(2, DIMS, 2);
    Path file = tmp.resolve("photos/c.jpg");
    Path indexDir = tmp.resolve("index");
    ImageRecord record;
    String moveId;
    try (ImageIndex index = LuceneIndex.openWritable(indexDir, MODEL, IndexConfig.DEFAULT)) {
      add(index, tmp.resolve("photos/keeper.jpg"), v[0]);
      index.commit();
      record = add(index, file, v[1]);
      index.commit();
      Quarantine q = new Quarantine(tmp.resolve("q"), index, () -> List.of(tmp.resolve("photos")));
      moveId = q.move("k", List.of(record.id())).moves().get(0).moveId();
      assertTrue(index.get(record.id()).isEmpty());
    }
    try (ImageIndex index = LuceneIndex.openWritable(indexDir, MODEL, IndexConfig.DEFAULT)) {
      Quarantine q =
          new Quarantine(tmp.resolve("q"), index, List::of); // a new server: the log is all it has
      Quarantine.Move undone = q.undo(moveId);
      assertEquals(file.toAbsolutePath().normalize().toString(), undone.to());
      assertEquals(record, index.get(record.id()).orElseThrow(), "the same record");
      try (ImageIndex.Snapshot s = index.snapshot()) {
        assertArrayEquals(
            v[1], s.vector(record.id()).orElseThrow(), "the same vector, bit for bit");
      }
      assertEquals(
          Files.getLastModifiedTime(file).toMillis(),
          record.mtime(),
          "the file matches its record");
      assertThrows(Quarantine.Refused.class, () -> q.undo(moveId));
      assertEquals(
          List.of("move", "undo"), q.decisions().stream().map(QuarantineLog.Entry::event).toList());
    }
  }

  /**
   * The states a kill -9 can leave between the logged intents and their outcomes, made by hand (a
   * real kill at random points: QuarantineChaosTest in the indexer module): the next start settles
   * each one, so every file is once in the library or the quarantine, the index agrees, and the log
   * has every intent's outcome.
   */
  @Test
  void whatACrashLeftIsSettledAtTheNextStart() throws Exception {
    float[][] v = TestVectors.clustered(4, DIMS, 3);
    Path library = tmp.resolve("photos");
    Path folder = tmp.resolve("q");
    Path index = tmp.resolve("index");
    List<ImageRecord> records = new java.util.ArrayList<>();
    try (ImageIndex writable = LuceneIndex.openWritable(index, MODEL, IndexConfig.DEFAULT)) {
      for (int i = 0; i < 4; i++)
        records.add(add(writable, library.resolve("p" + i + ".jpg"), v[i]));
      writable.commit();
      // the crash: four intents logged, then p0 moved, p1 not moved, p2's copy cut short, p3
      // moved and its delete committed; and a fifth intent cut short mid-line
      QuarantineLog log = new QuarantineLog(folder);
      Files.createDirectories(folder);
      List<QuarantineLog.Entry> intents = new java.util.ArrayList<>();
      for (int i = 0; i < 4; i++) {
        ImageRecord r = records.get(i);
        java.nio.ByteBuffer b =
            java.nio.ByteBuffer.allocate(DIMS * 4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v[i]);
        intents.add(
            new QuarantineLog.Entry(
                Quarantine.MOVE_INTENT,
                "m" + i,
                r.id(),
                r.path(),
                folder.resolve("p" + i + ".jpg").toString(),
                "2026-12-07T00:00:00Z",
                "keeper",
                r,
                b.array()));
      }
      log.append(intents);
      Files.move(Path.of(records.get(0).path()), folder.resolve("p0.jpg"));
      byte[] p2 = Files.readAllBytes(Path.of(records.get(2).path()));
      Files.write(folder.resolve("p2.jpg"), java.util.Arrays.copyOf(p2, p2.length / 2));
      Files.move(Path.of(records.get(3).path()), folder.resolve("p3.jpg"));
      writable.delete(records.get(3).id());
      writable.commit();
      Files.writeString(
          log.file(),
          "{\"event\":\"move-intent\",\"move_id\":\"m4",
          java.nio.file.StandardOpenOption.APPEND);

      Quarantine q = new Quarantine(folder, writable, () -> List.of(library)); // settles at start
      assertTrue(
          Files.exists(folder.resolve("p0.jpg")) && !Files.exists(library.resolve("p0.jpg")));
      assertTrue(
          Files.exists(library.resolve("p1.jpg")) && !Files.exists(folder.resolve("p1.jpg")));
      assertArrayEquals(p2, Files.readAllBytes(library.resolve("p2.jpg")), "the original intact");
      assertFalse(Files.exists(folder.resolve("p2.jpg")), "the partial copy removed");
      assertTrue(
          Files.exists(folder.resolve("p3.jpg")) && !Files.exists(library.resolve("p3.jpg")));
      try (ImageIndex.Snapshot snapshot = writable.snapshot()) {
        assertFalse(snapshot.get(records.get(0).id()).isPresent(), "finished: out of the index");
        assertTrue(snapshot.get(records.get(1).id()).isPresent(), "rolled back: still indexed");
        assertTrue(snapshot.get(records.get(2).id()).isPresent(), "rolled back: still indexed");
        assertFalse(snapshot.get(records.get(3).id()).isPresent());
      }
      List<String> outcomes =
          log.entries().stream()
              .filter(e -> !e.event().equals(Quarantine.MOVE_INTENT))
              .map(e -> e.moveId() + " " + e.event())
              .sorted()
              .toList();
      assertEquals(
          List.of("m0 move", "m1 move-rolled-back", "m2 move-rolled-back", "m3 move"), outcomes);
      assertEquals(
          List.of("m0", "m3"), q.decisions().stream().map(QuarantineLog.Entry::moveId).toList());
      // a settled move can be undone from the log alone
      q.undo("m0");
      assertTrue(Files.exists(library.resolve("p0.jpg")));
      assertTrue(writable.get(records.get(0).id()).isPresent());

      // a crash during an undo, before its file moved: rolled back at the next start
      Path quarantined = folder.resolve("p3.jpg");
      Path original = library.resolve("p3.jpg");
      QuarantineLog.Entry undoIntent =
          new QuarantineLog.Entry(
              Quarantine.UNDO_INTENT,
              "m3",
              records.get(3).id(),
              quarantined.toString(),
              original.toString(),
              "2026-12-08T00:00:00Z",
              null,
              null,
              null);
      log.append(List.of(undoIntent));
      new Quarantine(folder, writable, () -> List.of(library));
      assertTrue(Files.exists(quarantined) && !Files.exists(original));
      assertFalse(writable.get(records.get(3).id()).isPresent(), "rolled back: still out");
      // ... and after its file moved, before the index took the document back: finished
      log.append(List.of(undoIntent));
      Files.move(quarantined, original);
      Quarantine again = new Quarantine(folder, writable, () -> List.of(library));
      assertTrue(Files.exists(original) && !Files.exists(quarantined));
      assertTrue(writable.get(records.get(3).id()).isPresent(), "finished: back in the index");
      assertEquals(
          List.of("move", "undo-intent", "undo-rolled-back", "undo-intent", "undo"),
          log.entries().stream()
              .filter(e -> e.moveId().equals("m3") && !e.event().equals(Quarantine.MOVE_INTENT))
              .map(QuarantineLog.Entry::event)
              .toList());
      assertThrows(Quarantine.Refused.class, () -> again.undo("m3"), "undone once only");
    }
  }
}
