package dev.signet.core.message;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Objects;

/**
 * One tenant's usage in one UTC hour, as finance reads it from the hourly billing topic. Each
 * record replaces the previous one of its key ({@code tenant@windowStart}): the hour's total so
 * far.
 *
 * @param isFinal {@code "final"} on the wire: true once the hour is closed (by stream time plus
 *     grace, or by wall clock when traffic stopped); no record of the hour follows a final one, and
 *     usage of the hour that arrives later is published as a {@link UsageAdjustment} instead
 */
public record HourlyUsage(
    String tenant,
    String windowStart,
    String windowEnd,
    long vex,
    long fuTokens,
    @JsonProperty("final") boolean isFinal) {

  public HourlyUsage {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(windowStart, "windowStart");
    Objects.requireNonNull(windowEnd, "windowEnd");
  }

  /** {@code tenant@windowStart}, e.g. {@code acme@2025-01-27T12:00:00Z}. */
  public static String key(String tenant, String windowStart) {
    return tenant + "@" + windowStart;
  }
}
