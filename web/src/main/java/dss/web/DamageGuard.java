package dss.web;

import dss.index.IndexCheck;
import dss.index.IndexVerifier;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.ServiceUnavailableResponse;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Once the background verification has found damage, every API route but health, the check and the
 * quarantine log answers 503 naming the damage and the recovery: a damaged index is never searched,
 * listed or written (its answers could be wrong, silently). Runs before the matched routes (unknown
 * routes stay 404).
 */
final class DamageGuard implements Handler {
  /** What to do about a damaged index (the index's own path is not told to clients). */
  static final String RECOVERY =
      "re-index from the library, or restore a backup (see the server's documentation)";

  /** Routes still answered: they say what is wrong, or do not read the index. */
  private static final Set<String> OPEN =
      Set.of("/api/health", "/api/check", "/api/quarantine/log");

  private final ServerContext server;

  DamageGuard(ServerContext server) {
    this.server = server;
  }

  @Override
  public void handle(Context ctx) {
    IndexVerifier.Status verification = server.verification();
    if (verification.state() != IndexVerifier.State.FAILED || OPEN.contains(ctx.path())) return;
    throw new ServiceUnavailableResponse(message(verification.check()));
  }

  static String message(IndexCheck check) {
    return "the index is damaged ("
        + check.damage().stream()
            .map(d -> (d.part() != null ? d.part() : d.partOf()) + ": " + d.problem())
            .collect(Collectors.joining("; "))
        + "): searches and writes are stopped. To recover, "
        + RECOVERY;
  }
}
