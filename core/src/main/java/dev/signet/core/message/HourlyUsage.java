package dev.signet.core.message;

import java.util.Objects;

/** One tenant's usage in one UTC hour, as finance reads it from the hourly billing topic. */
public record HourlyUsage(
    String tenant, String windowStart, String windowEnd, long vex, long fuTokens) {

  public HourlyUsage {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(windowStart, "windowStart");
    Objects.requireNonNull(windowEnd, "windowEnd");
  }
}
