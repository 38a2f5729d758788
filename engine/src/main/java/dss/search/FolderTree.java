package dss.search;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The library's folders as a tree with image counts, relative to its roots: the library folders the
 * server was given, and for images under none of them, the deepest folder that holds them all
 * (their common parent). An image's {@link #folderOf folder} is its parent folder relative to its
 * root ("" for the root itself), prefixed by the root's name when several roots hold images (so
 * that the text names one folder); {@link #prefixOf} turns such a folder back into a path prefix.
 * Paths use '/' (the server's own separator on the systems it runs on).
 */
public final class FolderTree {
  /**
   * A folder: {@code path} its absolute path, {@code folder} the relative name images and the
   * listing filter use, {@code name} its last segment (the root's path's last segment for a root),
   * {@code count} the images at or under it.
   */
  public record Node(String path, String folder, String name, long count, List<Node> children) {}

  private final List<String> roots; // absolute, no trailing '/', longest first for matching
  private final Map<String, String> rootFolder = new LinkedHashMap<>(); // root -> its folder text
  private final List<Node> tree;
  private final Map<String, TreeMap<String, long[]>> counts = new LinkedHashMap<>(); // root -> rel

  private FolderTree(List<String> roots, List<String> imagePaths) {
    this.roots = new ArrayList<>(roots);
    this.roots.sort(Comparator.comparingInt(String::length).reversed());
    for (String r : roots) counts.put(r, new TreeMap<>());
    for (String p : imagePaths) {
      String root = rootOf(p);
      if (root == null) continue;
      String rel = relativeParent(root, p);
      TreeMap<String, long[]> c = counts.get(root);
      c.computeIfAbsent("", k -> new long[1])[0]++;
      for (int i = rel.indexOf('/'); ; i = rel.indexOf('/', i + 1)) {
        if (rel.isEmpty()) break;
        c.computeIfAbsent(i < 0 ? rel : rel.substring(0, i), k -> new long[1])[0]++;
        if (i < 0) break;
      }
    }
    // folder texts carry the root's name only when several roots hold images
    long holding = counts.values().stream().filter(c -> !c.isEmpty()).count();
    for (String r : roots)
      if (!counts.get(r).isEmpty()) rootFolder.put(r, holding > 1 ? name(r) : "");
    List<Node> nodes = new ArrayList<>();
    for (String r : roots) {
      TreeMap<String, long[]> c = counts.get(r);
      if (c.isEmpty()) continue; // a root without images (an empty upload folder)
      nodes.add(node(r, "", c));
    }
    this.tree = List.copyOf(nodes);
  }

  /**
   * The tree of {@code imagePaths} (absolute) under {@code roots} (absolute folders); images under
   * none of them are placed under their common parent, added as one more root.
   */
  public static FolderTree of(List<String> roots, Iterable<String> imagePaths) {
    List<String> clean = new ArrayList<>();
    for (String r : roots) {
      String c = strip(r);
      if (!clean.contains(c)) clean.add(c);
    }
    List<String> paths = new ArrayList<>();
    String common = null;
    FolderTree probe = new FolderTree(clean, List.of());
    for (String p : imagePaths) {
      paths.add(p);
      if (probe.rootOf(p) != null) continue;
      String parent = parent(p);
      common = common == null ? parent : commonFolder(common, parent);
    }
    if (common != null) clean.add(common);
    return new FolderTree(clean, paths);
  }

  /** The root folders with their subfolders, roots in the order given. */
  public List<Node> roots() {
    return tree;
  }

  /** The folder text of the image at {@code path}, or null when it is under no root. */
  public String folderOf(String path) {
    String root = rootOf(path);
    if (root == null) return null;
    String rel = relativeParent(root, path), top = rootFolder.get(root);
    return top.isEmpty() ? rel : rel.isEmpty() ? top : top + "/" + rel;
  }

  /**
   * The path prefix (ending in '/') of the images in {@code folder} (a {@link #folderOf} text, ""
   * the single root), or null when the tree has no such folder.
   */
  public String prefixOf(String folder) {
    String f = folder.replaceAll("^/+|/+$", "");
    for (Map.Entry<String, String> e : rootFolder.entrySet()) {
      String top = e.getValue(), rel;
      if (top.isEmpty()) rel = f;
      else if (f.equals(top)) rel = "";
      else if (f.startsWith(top + "/")) rel = f.substring(top.length() + 1);
      else continue;
      if (!counts.get(e.getKey()).containsKey(rel)) return null;
      String r = join(e.getKey(), "");
      return rel.isEmpty() ? r : join(r, rel) + "/";
    }
    return null;
  }

  private Node node(String root, String rel, TreeMap<String, long[]> counts) {
    List<Node> children = new ArrayList<>();
    String from = rel.isEmpty() ? "" : rel + "/";
    for (Map.Entry<String, long[]> e : counts.tailMap(from, !from.isEmpty()).entrySet()) {
      String k = e.getKey();
      if (!k.startsWith(from)) break;
      if (k.isEmpty() || k.indexOf('/', from.length()) >= 0) continue; // not a direct child
      children.add(node(root, k, counts));
    }
    String top = rootFolder.get(root);
    String folder = top.isEmpty() ? rel : rel.isEmpty() ? top : top + "/" + rel;
    String path = rel.isEmpty() ? root : join(root, rel);
    return new Node(path, folder, name(path), counts.get(rel)[0], List.copyOf(children));
  }

  private String rootOf(String path) {
    for (String r : roots) if (path.startsWith(r.endsWith("/") ? r : r + "/")) return r;
    return null;
  }

  private static String join(String folder, String rel) {
    return (folder.endsWith("/") ? folder : folder + "/") + rel;
  }

  private static String relativeParent(String root, String path) {
    String rel = path.substring(root.length() + (root.endsWith("/") ? 0 : 1));
    int slash = rel.lastIndexOf('/');
    return slash < 0 ? "" : rel.substring(0, slash);
  }

  private static String parent(String path) {
    int slash = path.lastIndexOf('/');
    return slash <= 0 ? "/" : path.substring(0, slash);
  }

  private static String commonFolder(String a, String b) {
    while (!(b + "/").startsWith(a.endsWith("/") ? a : a + "/")) a = parent(a);
    return a;
  }

  private static String strip(String folder) {
    return folder.length() > 1 && folder.endsWith("/")
        ? folder.substring(0, folder.length() - 1)
        : folder;
  }

  private static String name(String path) {
    int slash = path.lastIndexOf('/');
    String n = path.substring(slash + 1);
    return n.isEmpty() ? path : n;
  }
}
