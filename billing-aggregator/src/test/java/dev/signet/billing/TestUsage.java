package dev.signet.billing;

import dev.signet.core.message.HourlyUsage;
import java.time.Duration;
import java.time.Instant;

/** The hourly totals billing publishes, as the tests expect them. */
final class TestUsage {

  private TestUsage() {}

  /** A running (not yet final) total of the UTC hour starting at {@code windowStart}. */
  static HourlyUsage usage(String tenant, Instant windowStart, long vex, long fuTokens) {
    return usage(tenant, windowStart, vex, fuTokens, false);
  }

  /** The final total of the UTC hour starting at {@code windowStart}. */
  static HourlyUsage finalUsage(String tenant, Instant windowStart, long vex, long fuTokens) {
    return usage(tenant, windowStart, vex, fuTokens, true);
  }

  static HourlyUsage usage(
      String tenant, Instant windowStart, long vex, long fuTokens, boolean isFinal) {
    return new HourlyUsage(
        tenant,
        windowStart.toString(),
        windowStart.plus(Duration.ofHours(1)).toString(),
        vex,
        fuTokens,
        isFinal);
  }
}
