package dev.signet.store;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.signet.core.crypto.Jwks;
import dev.signet.core.crypto.ReceiptMac;
import dev.signet.core.crypto.ServerSecret;
import dev.signet.core.crypto.SigningKey;
import dev.signet.core.json.Json;
import dev.signet.core.receipt.Policy;
import dev.signet.core.receipt.Receipt;
import dev.signet.core.receipt.ReceiptIssuer;
import dev.signet.core.receipt.ReceiptSignature;
import dev.signet.core.receipt.ReceiptTimestamps;
import dev.signet.core.topic.Topics;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Sealed receipts built with the core API, as the processor builds them: signed with {@link #KEY}
 * and, on the topic, MAC'd with the secret derived from it, as local mode does.
 */
final class TestReceipts {

  static final SigningKey KEY = SigningKey.generate("test");
  static final ServerSecret SECRET = ServerSecret.derivedFrom(KEY);
  static final ReceiptMac MAC = new ReceiptMac(SECRET);
  static final Jwks JWKS = Jwks.of(KEY.publicKey(), List.of());

  private static final ReceiptIssuer ISSUER = new ReceiptIssuer(KEY);
  private static final Instant START = Instant.parse("2025-01-27T12:00:00.123Z");

  private TestReceipts() {}

  static String newTraceId() {
    return UUID.randomUUID().toString();
  }

  /** Hop {@code hop} of a trace, with content {@code document}; {@code prev} is null on hop 1. */
  static Receipt receipt(String traceId, int hop, String tenant, String prev, String document) {
    return ISSUER.seal(unsealed(traceId, hop, tenant, prev, document));
  }

  /** The same receipt sealed by another issuer (e.g. a key the store does not trust). */
  static Receipt receiptSignedBy(SigningKey key, String traceId, String tenant) {
    return new ReceiptIssuer(key).seal(unsealed(traceId, 1, tenant, null, "other-signer"));
  }

  /** A hop-1 receipt with a correct hash and no signature at all. */
  static Receipt unsigned(String traceId, String tenant) {
    Receipt signed = receipt(traceId, 1, tenant, null, "unsigned");
    return new Receipt(
        signed.traceId(),
        signed.hop(),
        signed.ts(),
        signed.tenant(),
        signed.cid(),
        signed.canon(),
        signed.algo(),
        signed.prevReceiptHash(),
        signed.policy(),
        signed.payloadType(),
        signed.targetType(),
        signed.forwarded(),
        signed.fallbackUsed(),
        signed.fuTokens(),
        signed.receiptHash(),
        null);
  }

  private static Receipt unsealed(
      String traceId, int hop, String tenant, String prev, String document) {
    String canon = "{\"doc\":\"" + document + "\"}";
    return new Receipt(
        traceId,
        hop,
        ReceiptTimestamps.format(START.plusMillis(hop)),
        tenant,
        ReceiptIssuer.contentId(canon),
        canon,
        Receipt.ALGO,
        prev,
        Policy.allowed("allowlisted"),
        "invoice",
        "ledger",
        null,
        null,
        null,
        null,
        null);
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

  /**
   * Recomputes the hash of an edited receipt and signs it again with {@link #KEY}: only the store's
   * own checks can then refuse it.
   */
  static ObjectNode resealed(ObjectNode receipt) {
    receipt.remove("signature");
    String hash = ReceiptIssuer.receiptHash(receipt);
    receipt.put("receipt_hash", hash);
    receipt.set(
        "signature",
        Json.tree(new ReceiptSignature(ReceiptSignature.EDDSA, KEY.kid(), KEY.signText(hash))));
    return receipt;
  }

  /** The record value the processor writes: the receipt through the topic's own serde. */
  static byte[] bytes(Receipt receipt) {
    return Topics.RECEIPTS.valueSerde().serializer().serialize(Topics.RECEIPTS.name(), receipt);
  }

  /** The processor's {@code x-signet-receipt-mac} of a record value. */
  static String mac(byte[] value) {
    return MAC.sign(value);
  }
}
