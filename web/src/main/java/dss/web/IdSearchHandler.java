package dss.web;

import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.util.List;

/**
 * {@code GET /api/search?id=ID}: the images nearest to an indexed one, by its stored vector (no
 * model run). Repeated {@code id} (more like these) and {@code not_id} (less like this) refine the
 * query ({@code SimilaritySearch.byExamples}); the examples are then left out of the results.
 */
final class IdSearchHandler implements Handler {
  /** More examples than anyone picks by hand; bounds the vectors read per request. */
  static final int MAX_EXAMPLES = 100;

  private final ServerContext server;

  IdSearchHandler(ServerContext server) {
    this.server = server;
  }

  @Override
  public void handle(Context ctx) throws Exception {
    long start = System.nanoTime();
    List<String> positives = ids(ctx, "id");
    List<String> negatives = ids(ctx, "not_id");
    if (positives.isEmpty()) {
      throw new BadRequestResponse(
          "query parameter 'id' is required (or POST an image to /api/search)");
    }
    var options = Params.knnOptions(ctx);
    try {
      ctx.json(
          ApiJson.response(
              server.search().byExamples(positives, negatives, options), start, server.folders()));
    } catch (dss.util.InvalidSettingException e) {
      throw new BadRequestResponse(e.getMessage());
    }
  }

  private static List<String> ids(Context ctx, String name) {
    List<String> ids =
        ctx.queryParams(name).stream().filter(id -> !id.isBlank()).distinct().toList();
    if (ids.size() > MAX_EXAMPLES) {
      throw new BadRequestResponse(
          "at most " + MAX_EXAMPLES + " '" + name + "' parameters, got " + ids.size());
    }
    return ids;
  }
}
