package dev.signet.core.message;

import java.util.Objects;

/**
 * Usage of an hour that arrived after the hour was final: an explicit correction, never a silent
 * drop. Unlike the hourly records, adjustments <em>add</em>: the hour's usage is its final {@link
 * HourlyUsage} plus every adjustment of the same key.
 *
 * @param adjustmentId deterministic id of this adjustment (a replay writes the same one)
 * @param windowStart the hour the usage belongs to (the receipts' signed {@code ts}), RFC 3339 UTC
 * @param reason why the usage is an adjustment, {@code late} (arrived after the hour was final)
 * @param recordedAt when billing wrote the adjustment, RFC 3339 UTC
 */
public record UsageAdjustment(
    String adjustmentId,
    String tenant,
    String windowStart,
    String windowEnd,
    long vex,
    long fuTokens,
    String reason,
    String recordedAt) {

  public static final String LATE = "late";

  public UsageAdjustment {
    Objects.requireNonNull(adjustmentId, "adjustmentId");
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(windowStart, "windowStart");
    Objects.requireNonNull(windowEnd, "windowEnd");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(recordedAt, "recordedAt");
    if (vex < 0 || fuTokens < 0) {
      throw new IllegalArgumentException("an adjustment adds usage, never removes it");
    }
  }
}
