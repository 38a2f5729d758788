package dss.web;

import dss.index.IndexCheck;
import io.javalin.http.Context;
import io.javalin.http.Handler;

/**
 * {@code POST /api/check?full=true|false} (token required: a full check reads every byte of the
 * index): verifies the served index as {@code dreamsim check} does and answers its report; 200 when
 * healthy, 500 when damaged (the report names the damage and the recovery). The server runs the
 * fast check itself at start.
 */
final class CheckHandler implements Handler {
  private final ServerContext server;

  CheckHandler(ServerContext server) {
    this.server = server;
  }

  @Override
  public void handle(Context ctx) throws Exception {
    boolean full = !"false".equalsIgnoreCase(ctx.queryParam("full"));
    IndexCheck report = server.index().check(full);
    // The report names index files, not photos' paths: the index's own location is left out of the
    // answer
    ctx.status(report.healthy() ? 200 : 500)
        .json(
            new Report(
                report.level(),
                report.healthy(),
                report.documents(),
                report.bytesVerified(),
                report.damage(),
                report.recovery() == null
                    ? null
                    : "re-index from the library, or restore a backup (see the server's documentation)",
                report.details()));
  }

  record Report(
      String level,
      boolean healthy,
      Long documents,
      long bytesVerified,
      java.util.List<IndexCheck.Damage> damage,
      String recovery,
      java.util.Map<String, Object> details) {}
}
