package dev.signet.ingress.body;

import dev.signet.core.error.ErrorCode;
import dev.signet.ingress.config.IngressProperties;
import dev.signet.ingress.errors.ApiException;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Map;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;

/**
 * The one way the API reads a request body: never more than {@code SP_MAX_BODY_BYTES} in memory. A
 * declared {@code Content-Length} over the limit is refused before a byte is read; a chunked body
 * is read up to one byte past the limit and then refused. Controllers call it after authenticating,
 * so an unauthenticated upload is answered without reading its body, and never take
 * {@code @RequestBody}, which Spring resolves, unbounded, before the method runs.
 *
 * <p>After a 413 Tomcat closes the connection (it drops connections on 413) and discards at most
 * {@code server.tomcat.max-swallow-size} of what is left, so the rest of a huge upload is neither
 * read nor kept.
 */
@Component
public final class BoundedBody {

  private final int maxBytes;

  BoundedBody(IngressProperties properties) {
    this.maxBytes = properties.maxBodyBytes();
  }

  /**
   * The body, at most {@code SP_MAX_BODY_BYTES} long (empty when there is none); 413 {@code
   * PAYLOAD_TOO_LARGE} if longer.
   */
  public byte[] read(HttpServletRequest request) {
    requireJson(request.getContentType());
    long declared = request.getContentLengthLong();
    if (declared > maxBytes) {
      throw tooLarge("the body is " + declared + " bytes");
    }
    byte[] body;
    try {
      InputStream in = request.getInputStream();
      // readNBytes grows its buffer with what arrives, so a short body costs a short buffer.
      body = in.readNBytes(maxBytes + 1);
    } catch (IOException e) {
      // The client went away or broke the framing: its request, not a server fault.
      throw new ApiException(ErrorCode.MALFORMED_REQUEST, "the request body could not be read", e);
    }
    if (body.length > maxBytes) {
      throw tooLarge("the body is over " + maxBytes + " bytes");
    }
    return body;
  }

  /**
   * 415 {@code UNSUPPORTED_MEDIA_TYPE} unless the declared type is JSON ({@code application/json}
   * or {@code application/*+json}). No {@code Content-Type} at all is read as JSON, as the Python
   * original did; a different type is refused before a byte of the body is read.
   */
  static void requireJson(String contentType) {
    if (contentType == null || contentType.isBlank()) {
      return;
    }
    MediaType type;
    try {
      type = MediaType.parseMediaType(contentType);
    } catch (InvalidMediaTypeException e) {
      throw unsupported(contentType);
    }
    boolean json =
        type.getType().equalsIgnoreCase("application")
            && (type.getSubtype().equalsIgnoreCase("json")
                || type.getSubtype().toLowerCase(Locale.ROOT).endsWith("+json"));
    if (!json) {
      throw unsupported(contentType);
    }
  }

  private static ApiException unsupported(String contentType) {
    return new ApiException(
        ErrorCode.UNSUPPORTED_MEDIA_TYPE,
        "the body must be application/json, not " + contentType,
        Map.of(),
        Map.of("Accept-Post", MediaType.APPLICATION_JSON_VALUE));
  }

  private ApiException tooLarge(String what) {
    return new ApiException(ErrorCode.PAYLOAD_TOO_LARGE, what + ", at most " + maxBytes);
  }
}
