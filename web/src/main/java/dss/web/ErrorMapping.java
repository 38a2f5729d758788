package dss.web;

import dss.image.ImageException;
import dss.ingest.BusyException;
import dss.search.UnknownImageException;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every failure leaves as {@code {"error": {"status", "message"}}}. Messages of our own exceptions are written for
 * users and name the field and the reason; anything unexpected becomes a bare 500 (logged here, never sent: no
 * stack traces or local paths in responses).
 */
final class ErrorMapping {
  private static final Logger LOG = LoggerFactory.getLogger(ErrorMapping.class);

  private ErrorMapping() {}

  static void register(RoutesConfig routes) {
    routes.exception(ApiException.class, (e, ctx) -> send(ctx, e.status(), e.getMessage()));
    // The image pipeline names the upload (never a server path) and the reason: a client error.
    routes.exception(ImageException.class, (e, ctx) -> send(ctx, 400, e.getMessage()));
    routes.exception(UnknownImageException.class, (e, ctx) -> send(ctx, 404, e.getMessage()));
    // Every decode slot is taken: tell the client to come back instead of letting requests pile up.
    routes.exception(BusyException.class, (e, ctx) -> {
      ctx.header("Retry-After", "1");
      send(ctx, 503, e.getMessage());
    });
    routes.exception(HttpResponseException.class, (e, ctx) -> send(ctx, e.getStatus(), clientMessage(e, ctx)));
    routes.exception(Exception.class, (e, ctx) -> {
      LOG.error("{} {} failed", ctx.method(), ctx.path(), e);
      send(ctx, 500, "internal error (see the server log)");
    });
  }

  static void send(Context ctx, int status, String message) {
    ctx.status(status).json(Map.of("error", Map.of("status", status, "message", message)));
  }

  private static String clientMessage(HttpResponseException e, Context ctx) {
    return switch (e.getStatus()) {
      case 404 -> "no such route: " + ctx.method() + " " + ApiException.clip(ctx.path());
      case 413 -> "request body too large";
      default -> ApiException.clip(e.getMessage());
    };
  }
}
