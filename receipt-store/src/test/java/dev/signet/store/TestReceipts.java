package dev.signet.store;

import dev.signet.core.crypto.SigningKey;
import dev.signet.core.receipt.Policy;
import dev.signet.core.receipt.Receipt;
import dev.signet.core.receipt.ReceiptIssuer;
import dev.signet.core.topic.Topics;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Sealed receipts built with the core API, as the processor builds them. */
final class TestReceipts {

  private static final ReceiptIssuer ISSUER = new ReceiptIssuer(SigningKey.generate("test"));
  private static final Instant START = Instant.parse("2025-01-27T12:00:00.123Z");

  private TestReceipts() {}

  static String newTraceId() {
    return UUID.randomUUID().toString();
  }

  /** Hop {@code hop} of a trace, with content {@code document}; {@code prev} is null on hop 1. */
  static Receipt receipt(String traceId, int hop, String tenant, String prev, String document) {
    String canon = "{\"doc\":\"" + document + "\"}";
    return ISSUER.seal(new Receipt(
        traceId, hop, ReceiptIssuer.timestamp(START.plusMillis(hop)), tenant, ReceiptIssuer.contentId(canon), canon,
        Receipt.ALGO, prev, Policy.allowed("allowlisted"), "invoice", "ledger", null, null, null, null, null));
  }

  /** A consistent chain of {@code hops} receipts. */
  static List<Receipt> chain(String traceId, String tenant, int hops) {
    List<Receipt> chain = new ArrayList<>();
    String prev = null;
    for (int hop = 1; hop <= hops; hop++) {
      Receipt receipt = receipt(traceId, hop, tenant, prev, "hop-" + hop);
      chain.add(receipt);
      prev = receipt.receiptHash();
    }
    return chain;
  }

  /** The record value the processor writes: the receipt through the topic's own serde. */
  static byte[] bytes(Receipt receipt) {
    return Topics.RECEIPTS.valueSerde().serializer().serialize(Topics.RECEIPTS.name(), receipt);
  }
}
