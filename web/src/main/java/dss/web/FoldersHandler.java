package dss.web;

import dss.search.FolderTree;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/folders}: {@code {"roots": [{"path", "folder", "name", "count", "children":
 * [...]}]}}, the library's folders relative to its roots ({@code --library} folders and the upload
 * folder; images under none of them under their common parent), each with the number of images at
 * or under it. {@code folder} is the value {@code GET /api/images?folder=} takes and each image's
 * {@code folder} field holds.
 */
final class FoldersHandler implements Handler {
  private final ServerContext server;

  FoldersHandler(ServerContext server) {
    this.server = server;
  }

  @Override
  public void handle(Context ctx) throws Exception {
    ctx.json(Map.of("roots", nodes(server.folders().roots())));
  }

  private static List<Map<String, Object>> nodes(List<FolderTree.Node> nodes) {
    return nodes.stream()
        .map(
            n -> {
              Map<String, Object> m = new LinkedHashMap<>();
              m.put("path", n.path());
              m.put("folder", n.folder());
              m.put("name", n.name());
              m.put("count", n.count());
              m.put("children", nodes(n.children()));
              return m;
            })
        .toList();
  }
}
