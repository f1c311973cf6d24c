package dev.signet.billing;

import dev.signet.core.receipt.Receipt;
import dev.signet.core.receipt.ReceiptTimestamps;
import java.util.Objects;

/**
 * Billable usage of one verified exchange: one VEx and its FU tokens. Derived from the stored
 * receipt itself, so that a VEx exists exactly when a receipt does. Billing's own value: it only
 * travels on billing's internal repartition topic, so it lives here, not in {@code core}.
 */
record UsageEvent(String tenant, String traceId, int hop, long vex, long fuTokens, long timestampMs)
    implements TenantEvent {

  public UsageEvent {
    Objects.requireNonNull(tenant, "tenant");
    if (vex < 0 || fuTokens < 0) {
      throw new IllegalArgumentException("usage is never negative");
    }
  }

  static UsageEvent of(Receipt receipt) {
    return new UsageEvent(
        receipt.tenant(),
        receipt.traceId(),
        receipt.hop(),
        1,
        receipt.fuTokensOrZero(),
        ReceiptTimestamps.parse(receipt.ts()).toEpochMilli());
  }
}
