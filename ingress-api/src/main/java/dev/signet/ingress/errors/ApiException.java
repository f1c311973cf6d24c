package dev.signet.ingress.errors;

import dev.signet.core.error.ErrorCode;
import java.util.Map;

/** A request the API refuses, rendered as a problem with a stable code by {@link ProblemAdvice}. */
public final class ApiException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ErrorCode code;
  private final transient Map<String, Object> members;

  public ApiException(ErrorCode code, String detail) {
    this(code, detail, Map.of());
  }

  public ApiException(ErrorCode code, String detail, Throwable cause) {
    super(detail, cause);
    this.code = code;
    this.members = Map.of();
  }

  /**
   * A refusal whose problem carries extension members besides {@code code} and {@code detail} (RFC
   * 9457 §3.2), so that clients can act on the reason without parsing the detail.
   */
  public ApiException(ErrorCode code, String detail, Map<String, Object> members) {
    super(detail);
    this.code = code;
    this.members = Map.copyOf(members);
  }

  public ErrorCode code() {
    return code;
  }

  public Map<String, Object> members() {
    return members;
  }
}
