package dss.web;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Errors Jetty answers itself, before a request reaches Javalin (a malformed or ambiguous URI such as
 * {@code ..;/}, a NUL byte): the same JSON shape as every other error, never Jetty's HTML page.
 */
final class JettyErrors extends ErrorHandler {
  @Override protected void generateResponse(Request request, Response response, int code, String message,
                                            Throwable cause, Callback callback) {
    // Jetty's messages may quote the refused request: a prefix at most
    String text = message == null || message.isBlank() ? HttpStatus.getMessage(code) : ApiException.clip(message);
    String json = "{\"error\":{\"status\":" + code + ",\"message\":\"" + escape(text) + "\"}}";
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    SecurityHeaders.addTo(response.getHeaders()); // refused before any handler ran
    response.write(true, ByteBuffer.wrap(json.getBytes(StandardCharsets.UTF_8)), callback);
  }

  private static String escape(String s) {
    StringBuilder out = new StringBuilder();
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') out.append('\\').append(c);
      else if (c < 0x20) out.append(String.format("\\u%04x", (int) c));
      else out.append(c);
    }
    return out.toString();
  }
}
