package dss.web;

import dss.search.DuplicateFinder;
import dss.search.DuplicateGroup;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/duplicates?threshold=..&page=..&page_size=..}: the library's near-duplicate
 * groups (largest first, keeper first in each), a page at a time. Pages count from 1.
 */
final class DuplicateGroupsHandler implements Handler {
  static final int DEFAULT_PAGE_SIZE = 50;
  static final int MAX_PAGE_SIZE = 500;

  private final ServerContext server;

  DuplicateGroupsHandler(ServerContext server) {
    this.server = server;
  }

  @Override
  public void handle(Context ctx) throws Exception {
    Float given = Params.distance(ctx, "threshold");
    float threshold = given == null ? DuplicateFinder.DEFAULT_THRESHOLD : given;
    int page = Params.intParam(ctx, "page", 1, 1, Integer.MAX_VALUE);
    int pageSize = Params.intParam(ctx, "page_size", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE);
    List<DuplicateGroup> groups = server.search().duplicateGroups(threshold);
    int from = (int) Math.min(groups.size(), (long) (page - 1) * pageSize);
    int to = Math.min(groups.size(), from + pageSize);
    dss.search.FolderTree folders = server.folders();
    ctx.json(
        Map.of(
            "threshold",
            threshold,
            "page",
            page,
            "page_size",
            pageSize,
            "total_groups",
            groups.size(),
            "pages",
            (groups.size() + pageSize - 1) / pageSize,
            "groups",
            groups.subList(from, to).stream().map(g -> ApiJson.group(g, folders)).toList()));
  }
}
