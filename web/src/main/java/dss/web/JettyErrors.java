package dss.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Errors Jetty answers itself, before a request reaches Javalin (a malformed or ambiguous URI such
 * as {@code ..;/}, a NUL byte): the same JSON shape as every other error, never Jetty's HTML page.
 */
final class JettyErrors extends ErrorHandler {
  private final ObjectMapper json;

  /**
   * @param json the server's own mapper, so these errors are written exactly like every other
   *     response
   */
  JettyErrors(ObjectMapper json) {
    this.json = json;
  }

  @Override
  protected void generateResponse(
      Request request,
      Response response,
      int code,
      String message,
      Throwable cause,
      Callback callback) {
    // Jetty's messages may quote the refused request: a prefix at most
    String text =
        message == null || message.isBlank()
            ? HttpStatus.getMessage(code)
            : ErrorMapping.clip(message);
    byte[] body;
    try {
      body = json.writeValueAsBytes(Map.of("error", Map.of("status", code, "message", text)));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a map of strings always serialises", e);
    }
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    SecurityHeaders.addTo(response.getHeaders()); // refused before any handler ran
    response.write(true, ByteBuffer.wrap(body), callback);
  }
}
