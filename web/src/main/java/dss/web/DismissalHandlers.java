package dss.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dss.review.Dismissals;
import io.javalin.http.BadRequestResponse;
import io.javalin.http.Handler;
import io.javalin.http.NotFoundResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * "Not duplicates" decisions over {@link Dismissals}: {@code POST /api/duplicates/dismissals}
 * {@code {"ids": [ID, ID, ...]}} (201 {@code {"id", "ids"}}), {@code GET
 * /api/duplicates/dismissals} ({@code {"dismissals": [{"id", "ids", "at"}]}}) and {@code DELETE
 * /api/duplicates/dismissals/{id}} ({@code {"id", "deleted": true}}; 404 for an unknown id). Writes
 * need the token.
 */
final class DismissalHandlers {
  private final ServerContext server;
  private final Dismissals dismissals;
  private final ObjectMapper mapper;

  DismissalHandlers(ServerContext server, Dismissals dismissals, ObjectMapper mapper) {
    this.server = server;
    this.dismissals = dismissals;
    this.mapper = mapper;
  }

  Handler add() {
    return ctx -> {
      JsonNode body;
      try {
        body = mapper.readTree(ctx.body());
      } catch (Exception e) {
        throw new BadRequestResponse("the body must be JSON {\"ids\": [ID, ID, ...]}");
      }
      JsonNode ids = body == null ? null : body.get("ids");
      if (ids == null || !ids.isArray())
        throw new BadRequestResponse("field 'ids' must be a list of at least 2 image ids");
      List<String> list = new ArrayList<>();
      for (JsonNode id : ids) {
        if (!id.isTextual())
          throw new BadRequestResponse("field 'ids' must list ids (strings), got " + id);
        list.add(id.asText());
      }
      Dismissals.Dismissal d;
      try {
        d =
            dismissals.add(
                list,
                id -> {
                  try {
                    return server.index().get(id).isPresent();
                  } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                  }
                });
      } catch (Dismissals.InvalidException e) {
        throw new BadRequestResponse("field '" + e.field() + "': " + stripField(e));
      }
      ctx.status(201).json(Map.of("id", d.id(), "ids", d.ids()));
    };
  }

  Handler list() {
    return ctx -> ctx.json(Map.of("dismissals", dismissals.list()));
  }

  Handler remove() {
    return ctx -> {
      String id = ctx.pathParam("id");
      if (!dismissals.remove(id))
        throw new NotFoundResponse("no dismissal has the id '" + ErrorMapping.clip(id) + "'");
      ctx.json(Map.of("id", id, "deleted", true));
    };
  }

  private static String stripField(Dismissals.InvalidException e) {
    String m = e.getMessage();
    return m.startsWith(e.field() + ": ") ? m.substring(e.field().length() + 2) : m;
  }
}
