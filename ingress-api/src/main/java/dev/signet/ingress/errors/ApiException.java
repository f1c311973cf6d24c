package dev.signet.ingress.errors;

import dev.signet.core.error.ErrorCode;

/** A request the API refuses, rendered as a problem with a stable code by {@link ProblemAdvice}. */
public final class ApiException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ErrorCode code;

  public ApiException(ErrorCode code, String detail) {
    super(detail);
    this.code = code;
  }

  public ErrorCode code() {
    return code;
  }
}
