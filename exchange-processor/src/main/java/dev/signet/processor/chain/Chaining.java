package dev.signet.processor.chain;

import dev.signet.core.error.ErrorCode;
import dev.signet.core.receipt.Receipt;
import dev.signet.core.receipt.ReceiptTimestamps;
import java.time.Instant;

/** The chain rules a new hop must satisfy before it is issued. */
public final class Chaining {

  private Chaining() {}

  /** Where the next receipt goes, or why it may not be issued. */
  public sealed interface Slot {}

  public record Next(int hop, String prevReceiptHash, Instant ts) implements Slot {}

  public record Refused(ErrorCode code, String detail) implements Slot {}

  /**
   * @param head the trace's current head, null for a new trace
   * @param expectedPrev the client's {@code expected_prev_receipt_hash}, or null for "any"
   * @param now the processor's clock; timestamps never go backwards within a chain
   */
  public static Slot next(String tenant, ChainHead head, String expectedPrev, Instant now) {
    if (head == null) {
      if (expectedPrev != null) {
        return new Refused(
            ErrorCode.CHAIN_CONFLICT,
            "trace has no receipts yet, expected_prev_receipt_hash must be absent");
      }
      return new Next(1, null, now);
    }
    if (!head.tenant().equals(tenant)) {
      return new Refused(ErrorCode.TRACE_FORBIDDEN, "trace belongs to another tenant");
    }
    if (head.hop() >= Receipt.MAX_HOPS) {
      return new Refused(
          ErrorCode.CHAIN_TOO_LONG, "trace already has " + Receipt.MAX_HOPS + " receipts");
    }
    if (expectedPrev != null && !expectedPrev.equals(head.receiptHash())) {
      return new Refused(
          ErrorCode.CHAIN_CONFLICT,
          "chain head is hop " + head.hop() + " with receipt_hash " + head.receiptHash());
    }
    Instant previous = ReceiptTimestamps.parse(head.ts());
    return new Next(head.hop() + 1, head.receiptHash(), now.isBefore(previous) ? previous : now);
  }
}
