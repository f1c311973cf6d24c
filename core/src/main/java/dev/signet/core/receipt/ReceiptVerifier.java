package dev.signet.core.receipt;

import com.fasterxml.jackson.databind.JsonNode;
import dev.signet.core.crypto.Base64Url;
import dev.signet.core.crypto.Hashes;
import dev.signet.core.crypto.Jwks;
import dev.signet.core.crypto.PublicKey;
import dev.signet.core.receipt.Verification.Check;
import dev.signet.core.receipt.Verification.Invalid;
import dev.signet.core.receipt.Verification.Valid;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Verifies receipts and chains under SR-1, working on the JSON as received so that every field
 * present, known or not, is covered by the hash. The one implementation of the rules: the
 * processor's tests, the CLI and the export endpoint all call it.
 */
public final class ReceiptVerifier {

  /**
   * {@link ReceiptIssuer#timestamp} writes milliseconds; the seed vectors of the Python original
   * have none. Both forms are accepted, nothing else: no offsets, no lower case, no other
   * precision.
   */
  private static final Pattern TS_FORM =
      Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{3})?Z");

  private static final DateTimeFormatter TS_WITHOUT_MILLIS =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

  private final Jwks jwks;
  private final boolean requireSignatures;

  private ReceiptVerifier(Jwks jwks, boolean requireSignatures) {
    this.jwks = jwks;
    this.requireSignatures = requireSignatures;
  }

  /** Checks hashes, links and signatures against the given keys. */
  public static ReceiptVerifier withKeys(Jwks jwks) {
    return new ReceiptVerifier(jwks, true);
  }

  /** Checks hashes and links only (receipts without a {@code signature}, like the seed vectors). */
  public static ReceiptVerifier hashesOnly() {
    return new ReceiptVerifier(new Jwks(List.of()), false);
  }

  public Verification verifyReceipt(JsonNode receipt) {
    Optional<Invalid> failure = check(receipt, 0);
    return failure.<Verification>map(f -> f).orElseGet(() -> new Valid(1));
  }

  public Verification verifyChain(List<JsonNode> chain) {
    if (chain.isEmpty()) {
      return new Invalid(-1, -1, Check.CHAIN_EMPTY, "a chain has at least one receipt");
    }
    if (chain.size() > Receipt.MAX_HOPS) {
      return new Invalid(
          -1, -1, Check.CHAIN_TOO_LONG, chain.size() + " receipts, at most " + Receipt.MAX_HOPS);
    }
    JsonNode first = chain.get(0);
    for (int i = 0; i < chain.size(); i++) {
      JsonNode receipt = chain.get(i);
      Optional<Invalid> failure = check(receipt, i);
      if (failure.isPresent()) {
        return failure.get();
      }
      int hop = hop(receipt);
      if (!receipt.get("trace_id").asText().equals(first.get("trace_id").asText())) {
        return new Invalid(
            i, hop, Check.TRACE_MISMATCH, "trace_id differs from the first receipt's");
      }
      if (!receipt.get("tenant").asText().equals(first.get("tenant").asText())) {
        return new Invalid(
            i, hop, Check.TENANT_MISMATCH, "tenant differs from the first receipt's");
      }
      if (hop != i + 1) {
        return new Invalid(i, hop, Check.HOP_NOT_CONSECUTIVE, "expected hop " + (i + 1));
      }
      JsonNode prev = receipt.get("prev_receipt_hash");
      String expectedPrev = i == 0 ? null : chain.get(i - 1).get("receipt_hash").asText();
      String actualPrev = prev == null || prev.isNull() ? null : prev.asText();
      if (expectedPrev == null ? actualPrev != null : !expectedPrev.equals(actualPrev)) {
        return new Invalid(
            i,
            hop,
            Check.PREV_HASH_MISMATCH,
            "prev_receipt_hash " + actualPrev + ", expected " + expectedPrev);
      }
      if (i > 0 && instant(receipt).isBefore(instant(chain.get(i - 1)))) {
        return new Invalid(i, hop, Check.TS_BACKWARDS, "ts is earlier than the previous receipt's");
      }
    }
    return new Valid(chain.size());
  }

  private Optional<Invalid> check(JsonNode receipt, int index) {
    int hop = hop(receipt);
    if (!receipt.isObject()) {
      return fail(index, hop, Check.MALFORMED, "not a JSON object");
    }
    for (String field :
        List.of("trace_id", "hop", "ts", "tenant", "cid", "canon", "algo", "receipt_hash")) {
      if (!receipt.hasNonNull(field)) {
        return fail(index, hop, Check.MALFORMED, "missing " + field);
      }
    }
    if (!receipt.has("prev_receipt_hash") || !receipt.has("policy")) {
      return fail(index, hop, Check.MALFORMED, "missing prev_receipt_hash or policy");
    }
    if (!receipt.get("canon").isTextual()) {
      return fail(index, hop, Check.MALFORMED, "canon must be a string");
    }
    if (hop < 0) {
      return fail(
          index,
          hop,
          Check.HOP_MALFORMED,
          "hop must be within 1.."
              + Receipt.MAX_HOPS
              + " as a JSON integer, got "
              + shown(receipt.get("hop")));
    }
    if (!wellFormedTs(receipt.get("ts"))) {
      return fail(
          index,
          hop,
          Check.TS_MALFORMED,
          "ts must be a UTC instant as YYYY-MM-DDTHH:MM:SS.sssZ (milliseconds optional), got "
              + shown(receipt.get("ts")));
    }
    if (!Receipt.ALGO.equals(receipt.get("algo").asText())) {
      return fail(index, hop, Check.ALGO_UNSUPPORTED, "algo " + receipt.get("algo").asText());
    }
    String cid = Hashes.sha256(receipt.get("canon").textValue());
    if (!cid.equals(receipt.get("cid").asText())) {
      return fail(index, hop, Check.CID_MISMATCH, "cid does not match sha256(canon) " + cid);
    }
    String hash;
    try {
      hash = ReceiptIssuer.receiptHash(receipt);
    } catch (IllegalArgumentException e) {
      // Untrusted input (a lone surrogate, a number beyond the double range) is a verdict, not a
      // crash.
      return fail(
          index, hop, Check.MALFORMED, "not canonicalisable under RFC 8785: " + e.getMessage());
    }
    String claimed = receipt.get("receipt_hash").asText();
    if (!hash.equals(claimed)) {
      return fail(
          index,
          hop,
          Check.RECEIPT_HASH_MISMATCH,
          "receipt_hash " + claimed + ", computed " + hash);
    }
    return checkSignature(receipt, index, hop, claimed);
  }

  private Optional<Invalid> checkSignature(
      JsonNode receipt, int index, int hop, String receiptHash) {
    JsonNode signature = receipt.get("signature");
    if (signature == null || signature.isNull()) {
      return requireSignatures
          ? fail(index, hop, Check.SIGNATURE_MISSING, "no signature")
          : Optional.empty();
    }
    if (!ReceiptSignature.EDDSA.equals(signature.path("alg").asText())) {
      return fail(
          index, hop, Check.SIGNATURE_ALG_UNSUPPORTED, "alg " + signature.path("alg").asText());
    }
    // The form is checked without keys too: it costs nothing and a stored receipt has one text.
    if (!signature.path("kid").isTextual()) {
      return fail(index, hop, Check.SIGNATURE_MALFORMED, "kid must be a string");
    }
    Optional<byte[]> sig = strictBase64Url(signature.get("sig"));
    if (sig.isEmpty()) {
      return fail(
          index,
          hop,
          Check.SIGNATURE_MALFORMED,
          "sig must be unpadded base64url (A-Z a-z 0-9 - _), got " + shown(signature.get("sig")));
    }
    if (!requireSignatures) {
      return Optional.empty();
    }
    String kid = signature.get("kid").textValue();
    Optional<PublicKey> key = jwks.find(kid);
    if (key.isEmpty()) {
      return fail(index, hop, Check.KID_UNKNOWN, "no key with kid " + kid + " in the JWKS");
    }
    if (!key.get().verify(receiptHash.getBytes(StandardCharsets.UTF_8), sig.get())) {
      return fail(
          index, hop, Check.SIGNATURE_INVALID, "Ed25519 signature does not verify with kid " + kid);
    }
    return Optional.empty();
  }

  /**
   * The bytes of a base64url value in the one text {@link Base64Url#encode} writes: the alphabet
   * A-Z a-z 0-9 - _, no padding, no whitespace, and zero unused bits in the last character (else up
   * to 16 texts would decode to the same signature). Empty for anything else, a non-string too.
   */
  static Optional<byte[]> strictBase64Url(JsonNode value) {
    if (value == null || !value.isTextual()) {
      return Optional.empty();
    }
    String text = value.textValue();
    byte[] bytes;
    try {
      bytes = Base64Url.decodeStrict(text);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    return Base64Url.encode(bytes).equals(text) ? Optional.of(bytes) : Optional.empty();
  }

  /** The hop a receipt claims, or -1 unless it is a JSON integer within 1..MAX_HOPS. */
  private static int hop(JsonNode receipt) {
    JsonNode hop = receipt.path("hop");
    // Not asInt(): it reads 1.5 and "1" as 1, and 4294967297 (2^32 + 1) as 1 too.
    if (!hop.isIntegralNumber() || !hop.canConvertToInt()) {
      return -1;
    }
    int value = hop.intValue();
    return value >= 1 && value <= Receipt.MAX_HOPS ? value : -1;
  }

  /** One instant, one text: the pattern, then a round trip, which rejects 24:00:00 and 23:59:60. */
  private static boolean wellFormedTs(JsonNode ts) {
    if (!ts.isTextual() || !TS_FORM.matcher(ts.textValue()).matches()) {
      return false;
    }
    String text = ts.textValue();
    Instant instant;
    try {
      instant = ReceiptTimestamps.parse(text);
    } catch (DateTimeParseException e) {
      return false;
    }
    String again =
        text.length() == "YYYY-MM-DDTHH:MM:SSZ".length()
            ? TS_WITHOUT_MILLIS.format(instant)
            : ReceiptTimestamps.format(instant);
    return again.equals(text);
  }

  /** An untrusted value for a detail message: as JSON, and short. */
  private static String shown(JsonNode value) {
    String text = value == null ? "nothing" : value.toString();
    return text.length() <= 40 ? text : text.substring(0, 40) + "...";
  }

  private static Instant instant(JsonNode receipt) {
    return ReceiptTimestamps.parse(receipt.get("ts").asText());
  }

  private static Optional<Invalid> fail(int index, int hop, Check check, String detail) {
    return Optional.of(new Invalid(index, hop, check, detail));
  }
}
