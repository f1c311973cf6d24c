package dev.signet.billing;

import dev.signet.core.receipt.Receipt;
import java.time.DateTimeException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The billable usage of one receipt: one VEx and its FU tokens. A receipt that cannot be billed (a
 * tombstone, an unreadable {@code ts}, negative {@code fu_tokens}) yields nothing and is logged, so
 * bad input never stops the partition.
 */
final class ReceiptUsage {

  private static final Logger log = LoggerFactory.getLogger(ReceiptUsage.class);

  private ReceiptUsage() {}

  static List<UsageEvent> of(Receipt receipt) {
    if (receipt == null) {
      log.warn("skipping a receipts record without a value");
      return List.of();
    }
    try {
      return List.of(UsageEvent.of(receipt));
    } catch (DateTimeException | IllegalArgumentException e) {
      log.warn(
          "skipping unbillable receipt {}/{} of tenant {}: {}",
          receipt.traceId(),
          receipt.hop(),
          receipt.tenant(),
          e.getMessage());
      return List.of();
    }
  }
}
