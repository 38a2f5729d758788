package dss.web;

import dss.index.ListingQuery;
import dss.search.SimilaritySearch;
import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code GET
 * /api/images?page=..&page_size=..&path_prefix=..&folder=..&sort=newest|oldest|path|taken|taken_oldest[&after=CURSOR]}:
 * the library a page at a time (pages count from 1), with the number of images matching the prefix
 * and {@code next}, the cursor of the following page. {@code folder} is a folder as {@code GET
 * /api/folders} names it (relative to the library's roots) or an absolute folder; it and {@code
 * path_prefix} are exclusive. With {@code after} (a {@code next} from an earlier answer) the page
 * is the one following that cursor, the same cost at any depth, and {@code page} is only echoed
 * (the client's count). The answer carries an ETag of the index version and the query, and {@code
 * Cache-Control: private, no-cache}: a browser keeps the page and revalidates it, getting a
 * bodiless 304 while the index has not changed.
 */
final class ListingHandler implements Handler {
  static final int DEFAULT_PAGE_SIZE = 60;
  static final int MAX_PAGE_SIZE = 500;

  /** page x page_size must stay an int offset. */
  static final int MAX_PAGE = 1_000_000;

  private final ServerContext server;

  ListingHandler(ServerContext server) {
    this.server = server;
  }

  @Override
  public void handle(Context ctx) throws Exception {
    int page = Params.intParam(ctx, "page", 1, 1, MAX_PAGE);
    int pageSize = Params.intParam(ctx, "page_size", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE);
    ListingQuery.Order order = order(Params.string(ctx, "sort"));
    String prefix = Params.string(ctx, "path_prefix");
    String folder = Params.string(ctx, "folder");
    if (folder != null) {
      if (prefix != null)
        throw new BadRequestResponse("folder and path_prefix: give one of them, not both");
      prefix = folderPrefix(folder);
    }
    String afterToken = Params.string(ctx, "after");
    ListingQuery.Cursor after = afterToken == null ? null : cursor(afterToken);
    SimilaritySearch.Page result =
        server
            .search()
            .list(
                after != null
                    ? ListingQuery.after(order, prefix, after, pageSize)
                    : new ListingQuery(order, prefix, (page - 1) * pageSize, pageSize));
    String etag =
        "\""
            + Long.toHexString(result.version())
            + "-"
            + order.label()
            + "-"
            + page
            + "-"
            + pageSize
            + "-"
            + Integer.toHexString(prefix == null ? 0 : prefix.hashCode())
            + (after == null ? "" : "-" + Integer.toHexString(afterToken.hashCode()))
            + "\"";
    ctx.header("ETag", etag).header("Cache-Control", "private, no-cache");
    if (ThumbnailHandler.matches(ctx.header("If-None-Match"), etag)) {
      ctx.status(304);
      return;
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("total", result.listing().total());
    body.put("page", page);
    body.put("page_size", pageSize);
    body.put("sort", order.label());
    body.put("images", ApiJson.images(result.listing().images(), server.folders()));
    body.put("next", result.listing().next() == null ? null : result.listing().next().token());
    ctx.json(body);
  }

  /**
   * The path prefix of {@code folder}: absolute (kept as given, with a trailing '/'), else relative
   * to the library's roots; a 400 naming the folder when no root has it.
   */
  private String folderPrefix(String folder) throws java.io.IOException {
    if (folder.startsWith("/")) return folder.endsWith("/") ? folder : folder + "/";
    String prefix = server.folders().prefixOf(folder);
    if (prefix == null)
      throw new BadRequestResponse(
          "folder: '"
              + ErrorMapping.clip(folder)
              + "' is not a folder of the library (GET /api/folders lists them)");
    return prefix;
  }

  private static ListingQuery.Cursor cursor(String token) {
    try {
      return ListingQuery.Cursor.parse(token);
    } catch (IllegalArgumentException e) {
      throw new BadRequestResponse("after: " + e.getMessage());
    }
  }

  private static ListingQuery.Order order(String sort) {
    if (sort == null) return ListingQuery.Order.NEWEST;
    ListingQuery.Order order = ListingQuery.Order.parse(sort);
    if (order == null) {
      throw new BadRequestResponse(
          "sort must be newest, oldest, path, taken or taken_oldest, got '"
              + ErrorMapping.clip(sort)
              + "'");
    }
    return order;
  }
}
