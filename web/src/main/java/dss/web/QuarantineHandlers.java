package dss.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dss.review.Quarantine;
import dss.review.QuarantineLog;
import dss.search.DuplicateFinder;
import dss.search.DuplicateGroup;
import io.javalin.http.BadRequestResponse;
import io.javalin.http.ConflictResponse;
import io.javalin.http.Handler;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The duplicate review's actions over {@link Quarantine}: {@code POST /api/quarantine} (move the
 * non-keepers), {@code POST /api/quarantine/{move_id}/undo} and {@code GET
 * /api/quarantine/log?format=json|csv} (the token required when one is set). Without {@code
 * --quarantine DIR} every route answers 409 saying how to turn it on.
 */
final class QuarantineHandlers {
  /** More than any duplicate group; bounds one request's work. */
  static final int MAX_MOVES = 1000;

  private final ServerContext server;
  private final Quarantine quarantine; // null: off
  private final ObjectMapper mapper;

  QuarantineHandlers(ServerContext server, Quarantine quarantine, ObjectMapper mapper) {
    this.server = server;
    this.quarantine = quarantine;
    this.mapper = mapper;
  }

  private Quarantine required() {
    if (quarantine == null) {
      throw new ConflictResponse(
          "moving duplicates into quarantine is off: start the server with --quarantine DIR");
    }
    return quarantine;
  }

  /**
   * {@code {"keep": ID, "move": [ID, ...], "threshold": T}} -> {@code {"moves": [...], "errors":
   * [{"id", "error"}]}}. Every id must be in the keeper's duplicate group at T (default 0.1).
   */
  Handler move() {
    return ctx -> {
      Quarantine q = required();
      server.writableIndex("move images into quarantine");
      JsonNode body;
      try {
        body = mapper.readTree(ctx.body());
      } catch (Exception e) {
        throw new BadRequestResponse("the body must be JSON {\"keep\": ID, \"move\": [ID, ...]}");
      }
      JsonNode keep = body == null ? null : body.get("keep");
      if (keep == null || !keep.isTextual() || keep.asText().isBlank()) {
        throw new BadRequestResponse("field 'keep' (the id of the image kept) is required");
      }
      JsonNode move = body.get("move");
      if (move == null || !move.isArray() || move.isEmpty()) {
        throw new BadRequestResponse("field 'move' must be a non-empty list of image ids");
      }
      if (move.size() > MAX_MOVES) {
        throw new BadRequestResponse(
            "field 'move' lists " + move.size() + " ids; at most " + MAX_MOVES);
      }
      List<String> ids = new ArrayList<>();
      for (JsonNode id : move) {
        if (!id.isTextual())
          throw new BadRequestResponse("field 'move' must list ids (strings), got " + id);
        if (!ids.contains(id.asText())) ids.add(id.asText());
      }
      String keeper = keep.asText();
      server.search().image(keeper); // an unknown keeper is a 404
      requireSameGroup(keeper, ids, threshold(body.get("threshold")));
      Quarantine.Moves result = q.move(keeper, ids);
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("moves", result.moves());
      out.put("errors", result.failures());
      ctx.json(out);
    };
  }

  /**
   * The body's {@code threshold}: the duplicate groups' (default as {@code GET /api/duplicates}).
   */
  private static float threshold(JsonNode given) {
    if (given == null || given.isNull()) return DuplicateFinder.DEFAULT_THRESHOLD;
    if (!given.isNumber() || given.floatValue() < 0f || given.floatValue() > 2f) {
      throw new BadRequestResponse(
          "field 'threshold' is a DreamSim distance and must be a number between 0 and 2");
    }
    return given.floatValue();
  }

  /**
   * Only copies of the keeper are moved: every id must be in the keeper's duplicate group at {@code
   * threshold} (as {@code GET /api/duplicates} lists it); a 400 names the first that is not. Ids
   * that are not indexed are left to the move, which reports them one by one.
   */
  private void requireSameGroup(String keeper, List<String> ids, float threshold)
      throws java.io.IOException {
    Set<String> group = new HashSet<>();
    for (DuplicateGroup g : server.search().duplicateGroups(threshold)) {
      if (g.keeper().id().equals(keeper)
          || g.members().stream().anyMatch(m -> m.image().id().equals(keeper))) {
        group.add(g.keeper().id());
        g.members().forEach(m -> group.add(m.image().id()));
        break;
      }
    }
    for (String id : ids) {
      if (group.contains(id) || server.index().get(id).isEmpty()) continue;
      throw new BadRequestResponse(
          "image '"
              + ErrorMapping.clip(id)
              + "' is not in the duplicate group of the keeper '"
              + ErrorMapping.clip(keeper)
              + "' (threshold "
              + threshold
              + "): nothing was moved");
    }
  }

  Handler undo() {
    return ctx -> {
      Quarantine q = required();
      server.writableIndex("move images back from quarantine");
      ctx.json(Map.of("undo", q.undo(ctx.pathParam("move_id"))));
    };
  }

  /** The decisions export: {@code {"entries": [...]}} or CSV with a header line. */
  Handler log() {
    return ctx -> {
      Quarantine q = required();
      String format = Params.string(ctx, "format");
      if (format == null || format.equals("json")) {
        ctx.json(Map.of("entries", q.decisions()));
      } else if (format.equals("csv")) {
        StringWriter csv = new StringWriter();
        QuarantineLog.writeCsv(q.decisions(), csv);
        ctx.header("Content-Disposition", "attachment; filename=\"quarantine-log.csv\"");
        ctx.contentType("text/csv; charset=utf-8").result(csv.toString());
      } else {
        throw new BadRequestResponse(
            "format must be json or csv, got '" + ErrorMapping.clip(format) + "'");
      }
    };
  }
}
