package dev.signet.core.message;

import java.util.Objects;

/**
 * FU spent on a repair whose result was then rejected: no receipt bills it, so the processor writes
 * this record in the same transaction as the rejection, and billing counts it as FU (no VEx). Keyed
 * by trace, MAC-stamped; {@code repairId} makes a replay count once.
 *
 * @param ts when the rejection was decided, RFC 3339 UTC: the hour it is billed in
 * @param reason the rejection's code, e.g. {@code REPAIR_FAILED} or {@code SEMANTIC_VIOLATION}
 */
public record FuCharge(
    String repairId, String traceId, String tenant, long fuTokens, String ts, String reason) {

  public FuCharge {
    Objects.requireNonNull(repairId, "repairId");
    Objects.requireNonNull(traceId, "traceId");
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(ts, "ts");
    Objects.requireNonNull(reason, "reason");
    if (fuTokens <= 0) {
      throw new IllegalArgumentException("a charge bills tokens, got " + fuTokens);
    }
  }
}
