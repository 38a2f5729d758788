package dss.web;

import io.javalin.http.BadRequestResponse;
import io.javalin.http.ContentTooLargeResponse;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.UploadedFile;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;

/**
 * Reads an uploaded image from a multipart field or, where allowed, from a raw {@code image/*}
 * body, enforcing the size limit before reading (Content-Length) and while reading (chunked
 * bodies).
 */
final class Uploads {
  /**
   * An upload in memory; {@code name} is what error messages call it (the field and the client's
   * file name).
   */
  record Upload(String name, byte[] bytes) {}

  private final long maxBytes;

  Uploads(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  long maxBytes() {
    return maxBytes;
  }

  /**
   * The image in multipart field {@code field}, or the whole body when it is sent raw as {@code
   * image/*}.
   */
  Upload imageOrBody(Context ctx, String field) {
    if (ctx.isMultipartFormData()) return field(ctx, field);
    String type = ctx.contentType() == null ? "" : ctx.contentType().toLowerCase(Locale.ROOT);
    if (!type.startsWith("image/") && !type.startsWith("application/octet-stream")) {
      throw new BadRequestResponse(
          "send the image as multipart field '"
              + field
              + "' or as a raw image/* body (got content type '"
              + (type.isEmpty() ? "none" : ErrorMapping.clip(type))
              + "')");
    }
    refuseDeclaredOversize(ctx);
    byte[] bytes;
    try {
      bytes = readLimited(ctx.bodyInputStream(), "body");
    } catch (HttpResponseException e) {
      throw closing(ctx, e);
    }
    if (bytes.length == 0) throw new BadRequestResponse("request body is empty: no image sent");
    return new Upload("body", bytes);
  }

  /** The image in multipart field {@code field}. */
  Upload field(Context ctx, String field) {
    if (!ctx.isMultipartFormData()) {
      throw new BadRequestResponse(
          "expected a multipart/form-data body with field '" + field + "'");
    }
    refuseDeclaredOversize(ctx);
    UploadedFile file;
    try {
      file = ctx.uploadedFile(field);
    } catch (Exception e) { // Jetty's parse failures arrive as (undeclared) ServletExceptions
      throw closing(ctx, multipartFailure(e));
    }
    if (file == null) throw new BadRequestResponse("multipart field '" + field + "' is missing");
    String name =
        "field '"
            + field
            + "'"
            + (file.filename() == null || file.filename().isBlank()
                ? ""
                : " (" + baseName(file.filename()) + ")");
    if (file.size() == 0) throw new BadRequestResponse(name + " is empty");
    if (file.size() > maxBytes) throw tooLarge(name);
    try (InputStream in = file.content()) {
      return new Upload(name, readLimited(in, name));
    } catch (IOException e) {
      throw new BadRequestResponse(name + " could not be read: the upload was cut short");
    }
  }

  private void refuseDeclaredOversize(Context ctx) {
    // Multipart framing adds a little; allow 64 KB of it before refusing on the declared length
    // alone.
    long declared = ctx.req().getContentLengthLong();
    if (declared > maxBytes + 65_536) throw closing(ctx, tooLarge("request body"));
  }

  private byte[] readLimited(InputStream in, String name) {
    try {
      byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
      if (bytes.length > maxBytes) throw tooLarge(name);
      return bytes;
    } catch (IOException e) {
      throw new BadRequestResponse(name + " could not be read: the upload was cut short");
    }
  }

  /**
   * After a refused or unparseable body the connection cannot be reused (Jetty drops it, part of
   * the body may be unread): say so, so that clients open a new one instead of failing on the next
   * request.
   */
  private static HttpResponseException closing(Context ctx, HttpResponseException e) {
    ctx.header("Connection", "close");
    return e;
  }

  private HttpResponseException tooLarge(String name) {
    return new ContentTooLargeResponse(
        name + " is larger than the upload limit of " + humanBytes(maxBytes));
  }

  /**
   * By type, not by message text: the servlet API reports a part or body over the configured limits
   * as an IllegalStateException, Jetty as a 413 HttpException; any other parse failure is a
   * malformed body.
   */
  private HttpResponseException multipartFailure(Exception e) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof IllegalStateException) return tooLarge("upload");
      if (c instanceof org.eclipse.jetty.http.HttpException.RuntimeException h
          && h.getCode() == 413) {
        return tooLarge("upload");
      }
    }
    return new BadRequestResponse("malformed multipart/form-data body");
  }

  private static String baseName(String clientName) {
    String name =
        clientName.substring(
            Math.max(clientName.lastIndexOf('/'), clientName.lastIndexOf('\\')) + 1);
    return ErrorMapping.clip(name);
  }

  static String humanBytes(long bytes) {
    if (bytes % (1 << 20) == 0) return (bytes >> 20) + " MB";
    if (bytes % (1 << 10) == 0) return (bytes >> 10) + " KB";
    return bytes + " bytes";
  }
}
