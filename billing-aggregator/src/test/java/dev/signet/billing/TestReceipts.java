package dev.signet.billing;

import dev.signet.core.receipt.Policy;
import dev.signet.core.receipt.Receipt;
import dev.signet.core.receipt.ReceiptIssuer;
import java.time.Instant;
import java.util.UUID;

/** Hop-1 receipts for billing tests; billing reads tenant, ts and fu_tokens only. */
final class TestReceipts {

  private TestReceipts() {}

  static Receipt receipt(String tenant, Instant ts, Long fuTokens) {
    return receipt(tenant, ReceiptIssuer.timestamp(ts), fuTokens);
  }

  static Receipt receipt(String tenant, String ts, Long fuTokens) {
    String canon = "{\"n\":1}";
    return new Receipt(
        UUID.randomUUID().toString(), 1, ts, tenant, ReceiptIssuer.contentId(canon), canon, Receipt.ALGO,
        null, Policy.allowed("ok"), "invoice", "invoice", null, fuTokens == null ? null : Boolean.TRUE,
        fuTokens, null, null);
  }
}
