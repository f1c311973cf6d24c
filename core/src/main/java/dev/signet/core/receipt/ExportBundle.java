package dev.signet.core.receipt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.signet.core.crypto.Hashes;
import dev.signet.core.crypto.Jwks;
import dev.signet.core.crypto.PublicKey;
import dev.signet.core.crypto.SigningKey;
import dev.signet.core.json.Canonical;
import dev.signet.core.json.Json;
import dev.signet.core.receipt.Verification.Check;
import dev.signet.core.receipt.Verification.Invalid;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The offline proof of a whole chain: {@code {trace_id, chain, exported_at, bundle_cid, signature,
 * kid}}, where {@code bundle_cid} hashes the canonical {@code {trace_id, chain, exported_at}} and
 * {@code signature} signs {@code bundle_cid}.
 */
public final class ExportBundle {

  private ExportBundle() {}

  public static ObjectNode create(
      String traceId, List<JsonNode> chain, Instant exportedAt, SigningKey key) {
    ObjectNode bundle = Json.MAPPER.createObjectNode();
    bundle.put("trace_id", traceId);
    bundle.putArray("chain").addAll(chain);
    bundle.put("exported_at", ReceiptTimestamps.format(exportedAt));
    String bundleCid = bundleCid(bundle);
    bundle.put("bundle_cid", bundleCid);
    bundle.put("signature", key.signText(bundleCid));
    bundle.put("kid", key.kid());
    return bundle;
  }

  static String bundleCid(JsonNode bundle) {
    ObjectNode signed = Json.MAPPER.createObjectNode();
    signed.set("trace_id", bundle.get("trace_id"));
    signed.set("chain", bundle.get("chain"));
    signed.set("exported_at", bundle.get("exported_at"));
    return Hashes.sha256(Canonical.canonicalize(signed));
  }

  /**
   * Verifies the whole chain with the given keys, then the bundle's own trace, cid and signature.
   * The chain goes first so that a tampered receipt is reported by its hop and check (as {@link
   * Verification.Check} lists them) rather than only as a bundle cid mismatch.
   */
  public static Verification verify(JsonNode bundle, Jwks jwks) {
    return verify(bundle, ReceiptVerifier.withKeys(jwks), jwks);
  }

  /**
   * Checks what needs no keys: the chain's hashes and links, the bundle's trace and {@code
   * bundle_cid}. Neither the receipts' signatures nor the bundle's are verified.
   */
  public static Verification verifyHashesOnly(JsonNode bundle) {
    return verify(bundle, ReceiptVerifier.hashesOnly(), null);
  }

  private static Verification verify(JsonNode bundle, ReceiptVerifier verifier, Jwks jwks) {
    for (String field :
        List.of("trace_id", "chain", "exported_at", "bundle_cid", "signature", "kid")) {
      if (!bundle.hasNonNull(field)) {
        return new Invalid(-1, -1, Check.MALFORMED, "bundle is missing " + field);
      }
    }
    if (!bundle.get("chain").isArray()) {
      return new Invalid(-1, -1, Check.MALFORMED, "chain is not an array");
    }
    List<JsonNode> chain = new ArrayList<>();
    bundle.get("chain").forEach(chain::add);
    Verification chainResult = verifier.verifyChain(chain);
    if (!chainResult.valid()) {
      return chainResult;
    }
    if (!chain.get(0).get("trace_id").asText().equals(bundle.get("trace_id").asText())) {
      return new Invalid(-1, -1, Check.TRACE_MISMATCH, "bundle trace_id differs from the chain's");
    }
    String cid;
    try {
      cid = bundleCid(bundle);
    } catch (IllegalArgumentException e) {
      return new Invalid(
          -1,
          -1,
          Check.MALFORMED,
          "bundle is not canonicalisable under RFC 8785: " + e.getMessage());
    }
    if (!cid.equals(bundle.get("bundle_cid").asText())) {
      return new Invalid(
          -1, -1, Check.BUNDLE_CID_MISMATCH, "bundle_cid does not match, computed " + cid);
    }
    if (jwks == null) {
      return chainResult;
    }
    Optional<byte[]> signature = ReceiptVerifier.strictBase64Url(bundle.get("signature"));
    if (signature.isEmpty()) {
      return new Invalid(
          -1, -1, Check.SIGNATURE_MALFORMED, "bundle signature must be unpadded base64url");
    }
    String kid = bundle.get("kid").asText();
    Optional<PublicKey> key = jwks.find(kid);
    if (key.isEmpty()) {
      return new Invalid(-1, -1, Check.KID_UNKNOWN, "no key with kid " + kid + " in the JWKS");
    }
    if (!key.get().verify(cid.getBytes(StandardCharsets.UTF_8), signature.get())) {
      return new Invalid(
          -1, -1, Check.BUNDLE_SIGNATURE_INVALID, "bundle signature does not verify");
    }
    return chainResult;
  }
}
