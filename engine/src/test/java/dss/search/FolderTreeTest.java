package dss.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Folder texts, counts and prefixes for one root, several roots, and images under no root. */
class FolderTreeTest {
  @Test
  void oneRootGivesPlainRelativeFolders() {
    FolderTree t =
        FolderTree.of(
            List.of("/lib/", "/uploads"),
            List.of("/lib/a.jpg", "/lib/2023/b.jpg", "/lib/2023/x/c.jpg", "/lib/2024/d.jpg"));
    assertEquals("", t.folderOf("/lib/a.jpg"));
    assertEquals("2023/x", t.folderOf("/lib/2023/x/c.jpg"));
    assertEquals(1, t.roots().size()); // the empty upload folder is left out
    FolderTree.Node root = t.roots().get(0);
    assertEquals("/lib", root.path());
    assertEquals(4, root.count());
    assertEquals(List.of("2023", "2024"), root.children().stream().map(n -> n.folder()).toList());
    assertEquals(2, root.children().get(0).count());
    assertEquals("/lib/2023/x", root.children().get(0).children().get(0).path());
    assertEquals("/lib/2023/", t.prefixOf("2023"));
    assertEquals("/lib/2023/x/", t.prefixOf("2023/x/"));
    assertEquals("/lib/", t.prefixOf(""));
    assertNull(t.prefixOf("2025"), "no such folder");
    assertNull(t.prefixOf("202"), "a folder, not a name prefix");
  }

  @Test
  void severalRootsAndStrayImages() {
    FolderTree t =
        FolderTree.of(
            List.of("/lib", "/lib-uploads"),
            List.of("/lib/a/b.jpg", "/lib-uploads/u.png", "/mnt/x/1/p.jpg", "/mnt/x/2/q.jpg"));
    // /lib-uploads is not under /lib although its name starts the same
    assertEquals("lib/a", t.folderOf("/lib/a/b.jpg"));
    assertEquals("lib-uploads", t.folderOf("/lib-uploads/u.png"));
    // images under no root: under their common parent
    assertEquals("x/1", t.folderOf("/mnt/x/1/p.jpg"));
    assertEquals(3, t.roots().size());
    assertEquals("/mnt/x", t.roots().get(2).path());
    assertEquals(2, t.roots().get(2).count());
    assertEquals("/lib/a/", t.prefixOf("lib/a"));
    assertEquals("/mnt/x/2/", t.prefixOf("x/2"));
    assertNull(t.prefixOf("elsewhere"));
  }
}
