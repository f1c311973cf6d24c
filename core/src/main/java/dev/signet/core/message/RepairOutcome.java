package dev.signet.core.message;

import java.util.Objects;

/**
 * What the model made of one {@link RepairRequest}, recorded by the repair worker before the
 * processor uses it: a replay or restart of the processor reads this record again and never calls
 * the model a second time. Keyed by trace, on the partition of the request, MAC-stamped.
 *
 * <p>{@code REPLIED}: a completed model call; {@code content} is its reply text, unchecked (the
 * processor validates it), and {@code fuTokens} its {@code total_tokens}, billed whatever the
 * processor then decides. {@code FAILED}: no call completed (timeouts, HTTP errors after the
 * retries); {@code fuTokens} is 0 and nothing is billed.
 *
 * @param errorCode for {@code FAILED}: {@code MODEL_TIMEOUT}, {@code MODEL_HTTP_<status>}, {@code
 *     MODEL_UNREACHABLE} or {@code MODEL_ERROR}
 * @param attempts HTTP attempts made, retries included
 */
public record RepairOutcome(
    String repairId,
    String traceId,
    String tenant,
    Status status,
    String content,
    long fuTokens,
    String model,
    int attempts,
    String errorCode,
    String error,
    long durationMs,
    String completedAt) {

  public enum Status {
    REPLIED,
    FAILED
  }

  public RepairOutcome {
    Objects.requireNonNull(repairId, "repairId");
    Objects.requireNonNull(traceId, "traceId");
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(completedAt, "completedAt");
    if (fuTokens < 0) {
      throw new IllegalArgumentException("fuTokens is never negative, got " + fuTokens);
    }
    if (status == Status.REPLIED && content == null) {
      throw new IllegalArgumentException("a reply has content");
    }
    if (status == Status.FAILED && fuTokens != 0) {
      throw new IllegalArgumentException("a failed call bills nothing");
    }
  }
}
