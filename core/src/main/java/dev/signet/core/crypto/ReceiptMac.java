package dev.signet.core.crypto;

import dev.signet.core.message.SignetHeaders;

/**
 * Proof that a record on {@code signet.receipts.v1} was written by Signet's processor: an
 * HMAC-SHA256 over the record's exact value bytes, carried in the header {@link
 * dev.signet.core.message.SignetHeaders#RECEIPT_MAC}. Costs about a microsecond, against roughly 80
 * µs for an Ed25519 verification, so every consumer can afford to check it on every record: a
 * client that can write to the topic but does not hold the server secret cannot make a record that
 * is stored or billed.
 */
public final class ReceiptMac {

  private final RecordMac mac;

  public ReceiptMac(ServerSecret secret) {
    this.mac = new RecordMac(secret, "receipt-mac/v1", SignetHeaders.RECEIPT_MAC);
  }

  /** base64url MAC of the record value. */
  public String sign(byte[] value) {
    return mac.sign(value);
  }

  /** True only for the MAC this key makes of exactly these bytes; compared in constant time. */
  public boolean verify(byte[] value, String mac) {
    return this.mac.verify(value, mac);
  }
}
