package dss.web;

import dss.image.ImageException;
import dss.index.IndexException;
import dss.ingest.BusyException;
import dss.review.Quarantine;
import dss.search.UnknownImageException;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every failure leaves as {@code {"error": {"status", "message"}}}. Messages of our own exceptions
 * are written for users and name the field and the reason; anything unexpected becomes a bare 500
 * (logged here, never sent: no stack traces or local paths in responses).
 */
final class ErrorMapping {
  private static final Logger LOG = LoggerFactory.getLogger(ErrorMapping.class);

  private ErrorMapping() {}

  static void register(RoutesConfig routes) {
    // The image pipeline names the upload (never a server path) and the reason: a client error.
    routes.exception(ImageException.class, (e, ctx) -> send(ctx, 400, e.getMessage()));
    routes.exception(UnknownImageException.class, (e, ctx) -> send(ctx, 404, e.getMessage()));
    routes.exception(Quarantine.UnknownMove.class, (e, ctx) -> send(ctx, 404, e.getMessage()));
    routes.exception(Quarantine.Refused.class, (e, ctx) -> send(ctx, 409, e.getMessage()));
    // Every decode slot is taken: tell the client to come back instead of letting requests pile up.
    routes.exception(
        BusyException.class,
        (e, ctx) -> {
          ctx.header("Retry-After", "1");
          send(ctx, 503, e.getMessage());
        });
    routes.exception(
        HttpResponseException.class, (e, ctx) -> send(ctx, e.getStatus(), clientMessage(e, ctx)));
    // The index's servers (a SolrCloud cluster) do not answer: every route, health included, says
    // so at once and the client retries later; the next request tries the cluster again.
    routes.exception(IndexException.Unreachable.class, ErrorMapping::unreachable);
    routes.exception(
        Exception.class,
        (e, ctx) -> {
          IndexException.Unreachable unreachable = unreachableCause(e);
          if (unreachable != null) {
            unreachable(unreachable, ctx);
            return;
          }
          LOG.error("{} {} failed", ctx.method(), ctx.path(), e);
          send(ctx, 500, "internal error (see the server log)");
        });
  }

  /** Seconds a client should wait before retrying while the index's cluster is unreachable. */
  static final String UNREACHABLE_RETRY_AFTER = "5";

  private static void unreachable(IndexException.Unreachable e, Context ctx) {
    LOG.warn("{} {}: {}", ctx.method(), ctx.path(), e.getMessage());
    ctx.header("Retry-After", UNREACHABLE_RETRY_AFTER);
    send(ctx, 503, e.getMessage());
  }

  /** An Unreachable wrapped on its way up (an UncheckedIOException from a stream, a future). */
  private static IndexException.Unreachable unreachableCause(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof IndexException.Unreachable u) return u;
    }
    return null;
  }

  static void send(Context ctx, int status, String message) {
    ctx.status(status).json(Map.of("error", Map.of("status", status, "message", message)));
  }

  /**
   * Our handlers throw Javalin's responses with messages written for users; Javalin and Jetty throw
   * the same types with a bare reason phrase (an unknown route, a body over the size limit), which
   * become a sentence here.
   */
  private static String clientMessage(HttpResponseException e, Context ctx) {
    String reason = HttpStatus.forStatus(e.getStatus()).getMessage();
    boolean ours =
        e.getMessage() != null && !e.getMessage().isBlank() && !e.getMessage().equals(reason);
    if (e.getStatus() == 404 && !matchedARoute(ctx))
      return "no such route: " + ctx.method() + " " + clip(ctx.path());
    if (ours) return e.getMessage();
    return switch (e.getStatus()) {
      case 413 -> "request body too large";
      default -> reason;
    };
  }

  private static boolean matchedARoute(Context ctx) {
    try {
      return ctx.endpoint() != null;
    } catch (RuntimeException e) { // no endpoint matched this request
      return false;
    }
  }

  /**
   * What a message may echo of a client's value (an id, a path, a content type): its first 80
   * characters, so a huge value does not come back whole.
   */
  static String clip(String value) {
    if (value == null) return "";
    return value.length() <= 80 ? value : value.substring(0, 80) + "...";
  }
}
