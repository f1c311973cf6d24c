package dev.signet.billing;

import dev.signet.core.crypto.Hashes;
import dev.signet.core.json.Json;
import dev.signet.core.message.HourlyUsage;
import dev.signet.core.message.UsageAdjustment;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;

/** The records finance reads from the hourly and the adjustments topics, and their keys. */
final class HourlyUsages {

  static final String ADJUSTMENT_ID_PREFIX = "adj-";

  private HourlyUsages() {}

  static HourlyUsage usage(String tenant, Instant start, UsageTotals totals, boolean isFinal) {
    return new HourlyUsage(
        tenant,
        start.toString(),
        start.plus(BillingTopology.HOUR).toString(),
        totals.vex(),
        totals.fuTokens(),
        isFinal);
  }

  /**
   * One late usage event as an adjustment of its hour. Its id depends only on what identifies the
   * usage (tenant, hour, trace id, hop), so a replayed or duplicated receipt yields the same id and
   * a consumer that keeps one adjustment per id counts it once.
   */
  static UsageAdjustment late(UsageEvent usage, Instant start, Instant recordedAt) {
    return new UsageAdjustment(
        adjustmentId(usage.tenant(), start, usage.traceId(), usage.hop()),
        usage.tenant(),
        start.toString(),
        start.plus(BillingTopology.HOUR).toString(),
        usage.vex(),
        usage.fuTokens(),
        UsageAdjustment.LATE,
        recordedAt.toString());
  }

  /**
   * {@code "adj-"} + hex SHA-256 of the JSON array {@code [tenant, windowStart, traceId, hop]}: a
   * JSON array keeps the fields apart whatever they contain.
   */
  static String adjustmentId(String tenant, Instant windowStart, String traceId, int hop) {
    // Arrays.asList, not List.of: a trace id may be absent (null) on a malformed receipt.
    String material = Json.toText(Arrays.asList(tenant, windowStart.toString(), traceId, hop));
    return ADJUSTMENT_ID_PREFIX
        + HexFormat.of().formatHex(Hashes.digest(material.getBytes(StandardCharsets.UTF_8)));
  }

  /** {@code tenant@windowStart}, the window start in RFC 3339 UTC: one key per tenant and hour. */
  static String key(String tenant, Instant windowStart) {
    return HourlyUsage.key(tenant, windowStart.toString());
  }

  /** The tenant of a {@link #key}; tenant ids never contain {@code @}, window starts neither. */
  static String tenantOf(String key) {
    return key.substring(0, key.lastIndexOf('@'));
  }

  /** The window start of a {@link #key}. */
  static Instant windowStartOf(String key) {
    return Instant.parse(key.substring(key.lastIndexOf('@') + 1));
  }
}
