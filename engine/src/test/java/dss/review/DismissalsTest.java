package dss.review;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dismissals file: validation naming the field, persistence across opens, undo, a bad line. */
class DismissalsTest {
  @TempDir Path dir;

  private static final Set<String> INDEXED = Set.of("a", "b", "c");

  @Test
  void refusesBadListsNamingIds() throws IOException {
    Dismissals d = Dismissals.open(dir.resolve(Dismissals.FILE_NAME));
    for (List<String> bad :
        List.of(List.of("a"), List.of("a", "a"), List.of("a", "zzz"), List.<String>of())) {
      Dismissals.InvalidException e =
          assertThrows(Dismissals.InvalidException.class, () -> d.add(bad, INDEXED::contains));
      assertEquals("ids", e.field());
    }
    assertTrue(
        assertThrows(
                Dismissals.InvalidException.class,
                () -> d.add(List.of("a", "zzz"), INDEXED::contains))
            .getMessage()
            .contains("zzz"));
    assertFalse(Files.exists(dir.resolve(Dismissals.FILE_NAME)), "nothing written");
  }

  @Test
  void keptAcrossOpensAndUndone() throws IOException {
    Path file = dir.resolve(Dismissals.FILE_NAME);
    Dismissals d = Dismissals.open(file);
    Dismissals.Dismissal first = d.add(List.of("a", "b", "c"), INDEXED::contains);
    Dismissals.Dismissal second = d.add(List.of("b", "c"), INDEXED::contains);
    assertTrue(d.apart("a", "c") && d.apart("c", "a"));
    assertFalse(Files.exists(dir.resolve(Dismissals.FILE_NAME + ".tmp")));

    Dismissals again = Dismissals.open(file);
    assertEquals(List.of(first, second), again.list());
    assertTrue(again.apart("a", "b"));
    assertFalse(again.apart("a", "a"));
    assertTrue(again.remove(first.id()));
    assertFalse(again.remove(first.id()));
    assertFalse(again.apart("a", "b"));
    assertTrue(again.apart("b", "c"));
    assertEquals(List.of(second), Dismissals.open(file).list());
  }

  @Test
  void aBadLineIsNamed() throws IOException {
    Path file = dir.resolve(Dismissals.FILE_NAME);
    Files.writeString(
        file,
        "{\"id\":\"x\",\"ids\":[\"a\",\"b\"],\"at\":\"2026-01-01T00:00:00Z\"}\nnot json\n",
        StandardCharsets.UTF_8);
    IOException e = assertThrows(IOException.class, () -> Dismissals.open(file));
    assertTrue(e.getMessage().contains("line 2"), e.getMessage());
  }
}
