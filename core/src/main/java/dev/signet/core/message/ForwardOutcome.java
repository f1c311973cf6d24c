package dev.signet.core.message;

import java.util.Objects;

/**
 * What became of one {@link ForwardRequest}, recorded by the forward worker before the processor
 * signs anything from it: a replay or restart of the processor reads this record again and never
 * forwards a second time for it. Keyed by trace, on the partition of the request, MAC-stamped.
 *
 * <p>{@code DENIED}: the resolved addresses failed the policy (code {@code HEL_RESOLVED_*} or
 * {@code HEL_NO_RESOLUTION}); nothing was sent. {@code FORWARDED}: the document was sent to {@code
 * pinnedIp} and an answer read ({@code statusCode}, {@code responseSize} bytes, {@code
 * responseCid}; {@code error} set when the answer was cut at the limit). {@code FAILED}: an attempt
 * was made and ended without an answer (timeout, TLS, connection), {@code error} says which; the
 * exchange is still verified and billed, and its receipt records the failure.
 */
public record ForwardOutcome(
    String forwardId,
    String traceId,
    String tenant,
    Status status,
    String code,
    String detail,
    String url,
    String host,
    String pinnedIp,
    Integer statusCode,
    Long responseSize,
    String responseCid,
    String error,
    long durationMs,
    String completedAt) {

  public enum Status {
    DENIED,
    FORWARDED,
    FAILED
  }

  public ForwardOutcome {
    Objects.requireNonNull(forwardId, "forwardId");
    Objects.requireNonNull(traceId, "traceId");
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(completedAt, "completedAt");
    if (status == Status.DENIED && code == null) {
      throw new IllegalArgumentException("a denial has its code");
    }
  }
}
