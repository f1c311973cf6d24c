package dev.signet.billing;

import dev.signet.core.message.HourlyUsage;
import java.time.Instant;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.Windowed;

/** Turns one tenant's window total into the record finance reads from the hourly topic. */
final class HourlyUsages {

  private HourlyUsages() {}

  static KeyValue<String, HourlyUsage> toRecord(Windowed<String> window, UsageTotals totals) {
    String tenant = window.key();
    Instant start = window.window().startTime();
    Instant end = window.window().endTime();
    return KeyValue.pair(
        key(tenant, start),
        new HourlyUsage(
            tenant, start.toString(), end.toString(), totals.vex(), totals.fuTokens(), false));
  }

  /** {@code tenant@windowStart}, the window start in RFC 3339 UTC: one key per tenant and hour. */
  static String key(String tenant, Instant windowStart) {
    return tenant + "@" + windowStart;
  }
}
