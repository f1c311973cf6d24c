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
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The offline proof of a whole chain: {@code {trace_id, chain, exported_at, bundle_cid,
 * signature, kid}}, where {@code bundle_cid} hashes the canonical {@code {trace_id, chain,
 * exported_at}} and {@code signature} signs {@code bundle_cid}.
 */
public final class ExportBundle {

  private ExportBundle() {}

  public static ObjectNode create(String traceId, List<JsonNode> chain, Instant exportedAt, SigningKey key) {
    ObjectNode bundle = Json.MAPPER.createObjectNode();
    bundle.put("trace_id", traceId);
    bundle.putArray("chain").addAll(chain);
    bundle.put("exported_at", ReceiptIssuer.timestamp(exportedAt));
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

  /** Verifies the bundle's own cid and signature, then the whole chain with the same keys. */
  public static Verification verify(JsonNode bundle, Jwks jwks) {
    for (String field : List.of("trace_id", "chain", "exported_at", "bundle_cid", "signature", "kid")) {
      if (!bundle.hasNonNull(field)) {
        return new Invalid(-1, -1, Check.MALFORMED, "bundle is missing " + field);
      }
    }
    if (!bundle.get("chain").isArray()) {
      return new Invalid(-1, -1, Check.MALFORMED, "chain is not an array");
    }
    String cid = bundleCid(bundle);
    if (!cid.equals(bundle.get("bundle_cid").asText())) {
      return new Invalid(-1, -1, Check.BUNDLE_CID_MISMATCH, "bundle_cid does not match, computed " + cid);
    }
    String kid = bundle.get("kid").asText();
    Optional<PublicKey> key = jwks.find(kid);
    if (key.isEmpty()) {
      return new Invalid(-1, -1, Check.KID_UNKNOWN, "no key with kid " + kid + " in the JWKS");
    }
    if (!key.get().verifyText(cid, bundle.get("signature").asText())) {
      return new Invalid(-1, -1, Check.BUNDLE_SIGNATURE_INVALID, "bundle signature does not verify");
    }
    List<JsonNode> chain = new ArrayList<>();
    bundle.get("chain").forEach(chain::add);
    Verification chainResult = ReceiptVerifier.withKeys(jwks).verifyChain(chain);
    if (chainResult instanceof Verification.Valid
        && !chain.get(0).get("trace_id").asText().equals(bundle.get("trace_id").asText())) {
      return new Invalid(-1, -1, Check.TRACE_MISMATCH, "bundle trace_id differs from the chain's");
    }
    return chainResult;
  }
}
