package dss.web;

import io.javalin.http.Context;
import io.javalin.http.ForbiddenResponse;
import io.javalin.http.Handler;
import io.javalin.http.UnauthorizedResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Lets a request through only with {@code Authorization: Bearer TOKEN}; with no token configured
 * the guarded routes are off altogether (a server on a shared network must not take writes by
 * default).
 */
final class TokenGuard implements Handler {
  private final byte[] token;
  private final Handler next;

  TokenGuard(String token, Handler next) {
    this.token = token == null ? null : token.getBytes(StandardCharsets.UTF_8);
    this.next = next;
  }

  /**
   * For routes that are open on a server without a token and need it once one is set (what they
   * answer is private to the owner, like the quarantine log's paths).
   */
  static Handler whenSet(String token, Handler next) {
    return token == null ? next : new TokenGuard(token, next);
  }

  @Override
  public void handle(Context ctx) throws Exception {
    if (token == null) {
      throw new ForbiddenResponse(
          "writes (adding, removing and quarantining images, checks) are disabled: start the"
              + " server with --token");
    }
    String header = ctx.header("Authorization");
    String given =
        header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
            ? header.substring(7).trim()
            : null;
    // Constant-time comparison: the time taken says nothing about how much of the token was right.
    if (given == null || !MessageDigest.isEqual(token, given.getBytes(StandardCharsets.UTF_8))) {
      ctx.header("WWW-Authenticate", "Bearer");
      throw new UnauthorizedResponse(
          given == null ? "missing 'Authorization: Bearer <token>' header" : "wrong token");
    }
    next.handle(ctx);
  }
}
