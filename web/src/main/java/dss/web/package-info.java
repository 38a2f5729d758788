/**
 * The HTTP server and search page (Javalin): {@link dss.web.SearchServer} routes {@code /api/*},
 * {@code /metrics} and the static page to small handlers, each a thin adapter over the query API
 * and the ingest pipeline held by a {@link dss.web.ServerContext}.
 *
 * <p>Contract: every error is JSON {@code {"error": {"status", "message"}}} with a message for
 * users and no local path or stack trace; writes ({@code POST/DELETE /api/images}, the quarantine's
 * moves and undos over {@code dss.review}) need the bearer token and are off without one; uploads
 * are size-limited before they are read and decoded on a bounded pool (503 with {@code Retry-After}
 * when it is full); thumbnails are made on their own {@link dss.web.ThumbnailQueue}, where a
 * request waits for a worker up to a deadline (then the same 503); originals are served only
 * through the index, by id.
 */
package dss.web;
