package dss.web;

import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Browser-side protections on every response, set before any handler runs so that successes, files,
 * the page and every error carry them alike: no content sniffing (a file served as {@code
 * image/jpeg} is never run as HTML or script), a Content-Security-Policy that admits only this
 * server's own scripts, styles and images (plus the {@code blob:}/{@code data:} previews of the
 * page), no framing (clickjacking), no referrer leaving the page.
 */
final class SecurityHeaders extends Handler.Wrapper {
  static final String CONTENT_SECURITY_POLICY =
      "default-src 'self'; img-src 'self' blob: data:; object-src 'none';"
          + " base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

  static void addTo(HttpFields.Mutable headers) {
    headers.put("X-Content-Type-Options", "nosniff");
    headers.put("Content-Security-Policy", CONTENT_SECURITY_POLICY);
    headers.put("X-Frame-Options", "DENY");
    headers.put("Referrer-Policy", "no-referrer");
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    addTo(response.getHeaders());
    return super.handle(request, response, callback);
  }
}
