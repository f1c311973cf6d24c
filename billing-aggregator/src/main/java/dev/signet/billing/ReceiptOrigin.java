package dev.signet.billing;

import dev.signet.core.crypto.ReceiptMac;
import dev.signet.core.json.Json;
import dev.signet.core.receipt.Receipt;
import java.util.Objects;

/**
 * Decides whether a record of {@code signet.receipts.v1} may be billed: only if it carries the
 * processor's {@code x-signet-receipt-mac} over its exact value bytes, and only then is it read as
 * a receipt. Whoever can write to the topic without the server secret cannot make usage appear on a
 * tenant's bill. (Signatures are the receipt store's business; the MAC is what proves the record
 * came from the processor, for about a microsecond.)
 */
final class ReceiptOrigin {

  static final String MAC_MISSING = "MAC_MISSING";
  static final String MAC_INVALID = "MAC_INVALID";
  static final String NOT_A_RECEIPT = "NOT_A_RECEIPT";

  /** The verdict on one record. */
  sealed interface Outcome permits Authentic, Refused {}

  record Authentic(Receipt receipt) implements Outcome {}

  /** {@code reason} is a stable code (metric tag); {@code detail} is for the log. */
  record Refused(String reason, String detail) implements Outcome {}

  private final ReceiptMac mac;

  ReceiptOrigin(ReceiptMac mac) {
    this.mac = Objects.requireNonNull(mac, "mac");
  }

  /**
   * @param origin the record's {@code x-signet-receipt-mac} header, or null
   */
  Outcome check(byte[] value, String origin) {
    if (origin == null) {
      return new Refused(
          MAC_MISSING, "no x-signet-receipt-mac header: not written by the processor");
    }
    if (!mac.verify(value, origin)) {
      return new Refused(MAC_INVALID, "x-signet-receipt-mac does not match the value");
    }
    try {
      return new Authentic(Json.read(value, Receipt.class));
    } catch (RuntimeException e) {
      return new Refused(
          NOT_A_RECEIPT, "authentic record that is not a receipt: " + e.getMessage());
    }
  }
}
