package dev.signet.processor.egress;

/**
 * What one forward came to, as recorded in the receipt. A forward never throws for network, TLS or
 * HTTP outcomes: they are values here.
 *
 * @param statusCode the HTTP status, or 0 when no response arrived
 * @param responseSize the response body bytes read (at most the configured maximum)
 * @param responseCid {@code sha256:} and the lower-case hex digest of those bytes, or null when no
 *     body was read (no response, or refused by its Content-Length)
 * @param truncated whether the body was larger than the maximum and not read to its end
 * @param error null for a complete answer (whatever its status, a 3xx or 5xx included); else a
 *     stable code ({@link #TIMEOUT}, {@link #TLS}, {@link #CONNECT}, {@link #TOO_LARGE}, {@link
 *     #IO}, {@link #REFUSED}), a colon and a short detail
 */
public record ForwardResult(
    int statusCode, long responseSize, String responseCid, boolean truncated, String error) {

  /** Connect, read or total deadline passed. */
  public static final String TIMEOUT = "FORWARD_TIMEOUT";

  /** Handshake failed: untrusted chain, certificate not for the host, protocol mismatch. */
  public static final String TLS = "FORWARD_TLS";

  /** No connection to the pinned address (refused, unreachable). */
  public static final String CONNECT = "FORWARD_CONNECT";

  /** The response body is larger than the maximum, by its Content-Length or as streamed. */
  public static final String TOO_LARGE = "FORWARD_TOO_LARGE";

  /** Any other I/O or protocol failure. */
  public static final String IO = "FORWARD_IO";

  /** The forwarder refused to dial (plain HTTP to a non-loopback address). */
  public static final String REFUSED = "FORWARD_REFUSED";

  public ForwardResult {
    if (statusCode != 0 && (statusCode < 100 || statusCode > 599)) {
      throw new IllegalArgumentException("statusCode must be 0 or 100 to 599, got " + statusCode);
    }
    if (responseSize < 0) {
      throw new IllegalArgumentException("responseSize must not be negative: " + responseSize);
    }
    if (responseCid != null && !responseCid.startsWith("sha256:")) {
      throw new IllegalArgumentException("responseCid must start with sha256: " + responseCid);
    }
    if (error != null && error.isBlank()) {
      throw new IllegalArgumentException("error must be null or not blank");
    }
  }

  static ForwardResult failed(String code, String detail) {
    return new ForwardResult(0, 0, null, false, describe(code, detail));
  }

  static String describe(String code, String detail) {
    return detail == null || detail.isBlank() ? code : code + ": " + detail;
  }

  /** Whether the answer arrived whole (any status). */
  public boolean complete() {
    return error == null;
  }

  /** The stable code of the error without its detail, or null for a complete answer. */
  public String errorCode() {
    if (error == null) {
      return null;
    }
    int colon = error.indexOf(':');
    return colon < 0 ? error : error.substring(0, colon);
  }
}
