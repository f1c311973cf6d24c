package dev.signet.store;

import com.fasterxml.jackson.databind.JsonNode;
import dev.signet.core.json.Json;
import dev.signet.core.receipt.Receipt;
import dev.signet.core.receipt.ReceiptVerifier;
import dev.signet.core.receipt.Verification;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.Locale;

/**
 * Turns a record value from {@code signet.receipts.v1} into a receipt worth storing, or says why
 * not. Works on the bytes as consumed rather than on a {@link Receipt} read through the topic's
 * serde: re-serialising a record would drop fields it does not know and change the text, and
 * the stored body must be the receipt exactly as signed.
 */
final class ReceiptReader {

  /** Outcome of reading one record value. */
  sealed interface Outcome permits Accepted, Rejected {}

  record Accepted(IncomingReceipt receipt) implements Outcome {}

  /** {@code reason} is a short stable code used as a metric tag; {@code detail} is for the log. */
  record Rejected(String reason, String detail) implements Outcome {}

  static final String MALFORMED = "malformed";

  // PostgreSQL's timestamptz covers far more, but RFC 3339 has four-digit years: anything
  // outside them is a broken receipt, and refusing it here keeps it from failing a whole batch.
  private static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
  private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999Z");

  // Hashes and links only: the receipt topic is written by the processor alone, so this guards
  // the system of record against corrupt or forged bodies (whose receipt_hash the conflict check
  // relies on) without needing the signing keys here. Signatures are checked at export/verify.
  private final ReceiptVerifier verifier = ReceiptVerifier.hashesOnly();

  Outcome read(byte[] value) {
    if (value == null) {
      return new Rejected(MALFORMED, "no value (tombstone)");
    }
    String body;
    try {
      // Strict: the stored text must be the very bytes that were hashed and signed.
      body = StandardCharsets.UTF_8.newDecoder()
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
      return new Rejected(invalid.check().name().toLowerCase(Locale.ROOT), invalid.describe());
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
      return new Rejected(MALFORMED, "prev_receipt_hash must be null exactly on hop 1 and a string after");
    }
    Instant ts;
    try {
      ts = Instant.parse(tree.get("ts").asText());
    } catch (DateTimeException e) {
      return new Rejected(MALFORMED, "ts is not an RFC 3339 timestamp");
    }
    if (ts.isBefore(EARLIEST) || ts.isAfter(LATEST)) {
      return new Rejected(MALFORMED, "ts out of range: " + ts);
    }
    return new Accepted(new IncomingReceipt(
        traceId.textValue(), hop, tenant.textValue(), hash.textValue(), prev.isNull() ? null : prev.textValue(), ts,
        body));
  }
}
