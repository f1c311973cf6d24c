package dev.signet.ingress.errors;

import dev.signet.core.error.ErrorCode;
import java.util.Map;

/** A request the API refuses, rendered as a problem with a stable code by {@link ProblemAdvice}. */
public final class ApiException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ErrorCode code;
  private final transient Map<String, Object> members;
  private final transient Map<String, String> headers;

  public ApiException(ErrorCode code, String detail) {
    this(code, detail, Map.of());
  }

  public ApiException(ErrorCode code, String detail, Throwable cause) {
    super(detail, cause);
    this.code = code;
    this.members = Map.of();
    this.headers = Map.of();
  }

  /**
   * A refusal whose problem carries extension members besides {@code code} and {@code detail} (RFC
   * 9457 §3.2), so that clients can act on the reason without parsing the detail.
   */
  public ApiException(ErrorCode code, String detail, Map<String, Object> members) {
    this(code, detail, members, Map.of());
  }

  /**
   * A refusal with extension members and response headers the client acts on ({@code Retry-After},
   * {@code Allow}).
   */
  public ApiException(
      ErrorCode code, String detail, Map<String, Object> members, Map<String, String> headers) {
    super(detail);
    this.code = code;
    this.members = Map.copyOf(members);
    this.headers = Map.copyOf(headers);
  }

  public ErrorCode code() {
    return code;
  }

  public Map<String, Object> members() {
    return members;
  }

  public Map<String, String> headers() {
    return headers;
  }
}
