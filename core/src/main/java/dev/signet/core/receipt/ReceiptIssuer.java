package dev.signet.core.receipt;

import com.fasterxml.jackson.databind.JsonNode;
import dev.signet.core.crypto.Hashes;
import dev.signet.core.crypto.SigningKey;
import dev.signet.core.json.Canonical;
import dev.signet.core.json.Json;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Set;

/** Seals receipts: canonical content id, receipt hash over the unsigned form, Ed25519 signature. */
public final class ReceiptIssuer {

  private static final DateTimeFormatter TS =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private static final Set<String> UNHASHED_FIELDS = Set.of("receipt_hash", "signature");

  private final SigningKey key;

  public ReceiptIssuer(SigningKey key) {
    this.key = key;
  }

  public String kid() {
    return key.kid();
  }

  /** RFC 3339 UTC with milliseconds, the SR-1 timestamp form. */
  public static String timestamp(Instant instant) {
    return TS.format(instant);
  }

  /** The {@code cid} of a canonical document. */
  public static String contentId(String canon) {
    return Hashes.sha256(canon);
  }

  /** Fills {@code receipt_hash} and {@code signature} of an unsealed receipt. */
  public Receipt seal(Receipt unsealed) {
    if (unsealed.receiptHash() != null || unsealed.signature() != null) {
      throw new IllegalArgumentException("receipt is already sealed");
    }
    String hash = receiptHash(Json.tree(unsealed));
    return unsealed.sealed(hash, new ReceiptSignature(ReceiptSignature.EDDSA, key.kid(), key.signText(hash)));
  }

  /** {@code sha256(JCS(receipt minus receipt_hash and signature))}; the node is not modified. */
  public static String receiptHash(JsonNode receipt) {
    return Hashes.sha256(Canonical.canonicalizeExcluding(receipt, UNHASHED_FIELDS));
  }
}
