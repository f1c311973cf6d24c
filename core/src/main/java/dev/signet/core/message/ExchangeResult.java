package dev.signet.core.message;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * The outcome of one request, on the results topic: an HTTP-shaped status and body, so that
 * ingress can answer without interpreting it and async producers read the same thing. On
 * success the body is {@code {trace_id, normalized, policy, receipt, forwarded?}}; on
 * rejection it is an RFC 9457 problem with a stable {@code code}.
 */
public record ExchangeResult(int status, String traceId, String code, boolean idempotencyHit, JsonNode body) {

  public ExchangeResult {
    Objects.requireNonNull(body, "body");
  }

  public boolean accepted() {
    return status == 200;
  }

  public ExchangeResult asReplay() {
    return new ExchangeResult(status, traceId, code, true, body);
  }
}
