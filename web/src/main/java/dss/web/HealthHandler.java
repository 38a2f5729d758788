package dss.web;

import dss.index.IndexVerifier;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * {@code GET /api/health}: the server is up, its index readable, and whether the background
 * verification has passed ({@code verified}; {@code verification}: pending, passed, unsupported).
 * When it found damage: 503 naming the damaged parts and the recovery ({@link DamageGuard}).
 */
final class HealthHandler implements Handler {
  private final ServerContext server;

  HealthHandler(ServerContext server) {
    this.server = server;
  }

  @Override
  public void handle(Context ctx) throws Exception {
    IndexVerifier.Status verification = server.verification();
    Map<String, Object> out = new LinkedHashMap<>();
    if (verification.state() == IndexVerifier.State.FAILED) {
      out.put("status", "damaged");
      out.put("verified", false);
      out.put("verification", "failed");
      out.put("damage", verification.check().damage());
      out.put("recovery", DamageGuard.RECOVERY);
      ctx.status(503).json(out);
      return;
    }
    out.put("status", "ok");
    out.put("images", server.index().count());
    out.put("verified", verification.verified());
    out.put("verification", verification.state().name().toLowerCase(Locale.ROOT));
    ctx.json(out);
  }
}
