package dev.signet.store;

import com.fasterxml.jackson.databind.JsonNode;
import dev.signet.core.crypto.ReceiptMac;
import dev.signet.core.json.Json;
import dev.signet.core.receipt.Receipt;
import dev.signet.core.receipt.ReceiptTimestamps;
import dev.signet.core.receipt.ReceiptVerifier;
import dev.signet.core.receipt.Verification;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.Objects;

/**
 * Turns a record value from {@code signet.receipts.v1} into a receipt worth storing, or says why
 * not. Works on the bytes as consumed rather than on a {@link Receipt} read through the topic's
 * serde: re-serialising a record would drop fields it does not know and change the text, and the
 * stored body must be the receipt exactly as signed.
 *
 * <p>Checks, cheapest first: the processor's origin MAC over the exact value bytes (anyone who can
 * write to the topic but lacks the server secret is refused here, for about a microsecond), then
 * that the value is a receipt, then its hashes and, when configured, its Ed25519 signature against
 * the active and retired keys. Thread-safe; the sink calls it before its database transaction.
 */
final class ReceiptReader {

  /** Outcome of reading one record value. */
  sealed interface Outcome permits Accepted, Rejected {}

  record Accepted(IncomingReceipt receipt) implements Outcome {}

  /**
   * {@code reason} is a stable code (metric tag, quarantine column); {@code detail} is for people.
   */
  record Rejected(QuarantineReason reason, String detail) implements Outcome {
    Rejected {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(detail, "detail");
    }
  }

  private static final QuarantineReason MALFORMED = QuarantineReason.NOT_A_RECEIPT;

  // PostgreSQL's timestamptz covers far more, but RFC 3339 has four-digit years: anything
  // outside them is a broken receipt, and refusing it here keeps it from failing a whole batch.
  private static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
  private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999Z");

  private final ReceiptMac mac;
  private final ReceiptVerifier verifier;

  /**
   * @param verifier {@link ReceiptVerifier#withKeys} to check signatures too, {@link
   *     ReceiptVerifier#hashesOnly()} to check hashes only
   */
  ReceiptReader(ReceiptMac mac, ReceiptVerifier verifier) {
    this.mac = Objects.requireNonNull(mac, "mac");
    this.verifier = Objects.requireNonNull(verifier, "verifier");
  }

  /**
   * @param origin the record's {@code x-signet-receipt-mac} header, or null if it has none
   */
  Outcome read(byte[] value, String origin) {
    if (origin == null) {
      return new Rejected(
          QuarantineReason.MAC_MISSING,
          "no x-signet-receipt-mac header: not written by the processor");
    }
    if (!mac.verify(value, origin)) {
      return new Rejected(
          QuarantineReason.MAC_INVALID,
          "x-signet-receipt-mac does not match the value: forged, altered, or another server secret");
    }
    if (value == null) {
      return new Rejected(MALFORMED, "no value (tombstone)");
    }
    String body;
    try {
      // Strict: the stored text must be the very bytes that were hashed and signed.
      body =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(value))
              .toString();
    } catch (CharacterCodingException e) {
      return new Rejected(MALFORMED, "value is not UTF-8");
    }
    JsonNode tree;
    try {
      tree = Json.parse(body);
    } catch (Json.MalformedJsonException e) {
      return new Rejected(MALFORMED, "value is not JSON: " + e.getMessage());
    }
    Verification verification;
    try {
      verification = verifier.verifyReceipt(tree);
    } catch (RuntimeException e) {
      // e.g. a number JCS cannot represent: the record is bad, the loop must go on.
      return new Rejected(MALFORMED, "cannot verify: " + e);
    }
    if (verification instanceof Verification.Invalid invalid) {
      return new Rejected(QuarantineReason.of(invalid.check()), invalid.describe());
    }
    return columns(tree, body);
  }

  /** The checks the verifier leaves to {@link Receipt}'s constructor, on the fields we index. */
  private static Outcome columns(JsonNode tree, String body) {
    JsonNode traceId = tree.get("trace_id");
    JsonNode tenant = tree.get("tenant");
    JsonNode hash = tree.get("receipt_hash");
    JsonNode prev = tree.get("prev_receipt_hash");
    if (!traceId.isTextual() || !tenant.isTextual() || !hash.isTextual()) {
      return new Rejected(MALFORMED, "trace_id, tenant and receipt_hash must be strings");
    }
    if (!tree.get("hop").canConvertToInt()) {
      return new Rejected(MALFORMED, "hop out of range: " + tree.get("hop"));
    }
    int hop = tree.get("hop").intValue();
    if (hop < 1 || hop > Receipt.MAX_HOPS) {
      return new Rejected(MALFORMED, "hop must be within 1.." + Receipt.MAX_HOPS + ", got " + hop);
    }
    if (hop == 1 ? !prev.isNull() : !prev.isTextual()) {
      return new Rejected(
          MALFORMED, "prev_receipt_hash must be null exactly on hop 1 and a string after");
    }
    Instant ts;
    try {
      ts = ReceiptTimestamps.parse(tree.get("ts").asText());
    } catch (DateTimeException e) {
      return new Rejected(MALFORMED, "ts is not an RFC 3339 timestamp");
    }
    if (ts.isBefore(EARLIEST) || ts.isAfter(LATEST)) {
      return new Rejected(MALFORMED, "ts out of range: " + ts);
    }
    return new Accepted(
        new IncomingReceipt(
            traceId.textValue(),
            hop,
            tenant.textValue(),
            hash.textValue(),
            prev.isNull() ? null : prev.textValue(),
            ts,
            body));
  }
}
