package dev.signet.billing;

import dev.signet.core.crypto.ReceiptMac;
import dev.signet.core.crypto.ServerSecret;
import dev.signet.core.crypto.SigningKey;
import dev.signet.core.message.SignetHeaders;
import dev.signet.core.receipt.Policy;
import dev.signet.core.receipt.Receipt;
import dev.signet.core.receipt.ReceiptIssuer;
import dev.signet.core.receipt.ReceiptTimestamps;
import dev.signet.core.topic.Topics;
import java.time.Instant;
import java.util.UUID;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Hop-1 receipts for billing tests, sealed with a real key; billing reads tenant, ts and fu_tokens
 * only, and bills a record only with the processor's MAC, made here from the secret derived from
 * that key, as local mode does.
 */
final class TestReceipts {

  static final SigningKey KEY = SigningKey.generate("billing-test");
  static final ServerSecret SECRET = ServerSecret.derivedFrom(KEY);
  static final ReceiptMac MAC = new ReceiptMac(SECRET);

  private static final ReceiptIssuer ISSUER = new ReceiptIssuer(KEY);

  private TestReceipts() {}

  static Receipt receipt(String tenant, Instant ts, Long fuTokens) {
    return receipt(tenant, ReceiptTimestamps.format(ts), fuTokens);
  }

  static Receipt receipt(String tenant, String ts, Long fuTokens) {
    return receipt(tenant, UUID.randomUUID().toString(), 1, ts, fuTokens);
  }

  /** Hop {@code hop} of {@code traceId}; hops after the first link to a made-up hash. */
  static Receipt receipt(String tenant, String traceId, int hop, String ts, Long fuTokens) {
    String canon = "{\"n\":1}";
    return ISSUER.seal(
        new Receipt(
            traceId,
            hop,
            ts,
            tenant,
            ReceiptIssuer.contentId(canon),
            canon,
            Receipt.ALGO,
            hop == 1 ? null : "0".repeat(64),
            Policy.allowed("ok"),
            "invoice",
            "invoice",
            null,
            fuTokens == null ? null : Boolean.TRUE,
            fuTokens,
            null,
            null));
  }

  /** The record value the processor writes. */
  static byte[] bytes(Receipt receipt) {
    return Topics.RECEIPTS.valueSerde().serializer().serialize(Topics.RECEIPTS.name(), receipt);
  }

  /** Headers carrying the given MAC. */
  static Headers macHeader(String mac) {
    Headers headers = new RecordHeaders();
    SignetHeaders.put(headers, SignetHeaders.RECEIPT_MAC, mac);
    return headers;
  }

  /** The headers the processor writes with this value. */
  static Headers genuineHeaders(byte[] value) {
    return macHeader(MAC.sign(value));
  }
}
