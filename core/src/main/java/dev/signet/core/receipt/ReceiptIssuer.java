package dev.signet.core.receipt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.signet.core.crypto.Hashes;
import dev.signet.core.crypto.SigningKey;
import dev.signet.core.json.Canonical;
import dev.signet.core.json.Json;
import dev.signet.core.json.RawJson;
import java.util.Set;

/** Seals receipts: canonical content id, receipt hash over the unsigned form, Ed25519 signature. */
public final class ReceiptIssuer {

  private static final Set<String> UNHASHED_FIELDS = Set.of("receipt_hash", "signature");

  private final SigningKey key;

  public ReceiptIssuer(SigningKey key) {
    this.key = key;
  }

  public String kid() {
    return key.kid();
  }

  /** The {@code cid} of a canonical document. */
  public static String contentId(String canon) {
    return Hashes.sha256(canon);
  }

  /** Fills {@code receipt_hash} and {@code signature} of an unsealed receipt. */
  public Receipt seal(Receipt unsealed) {
    ObjectNode tree = unsealedTree(unsealed);
    String hash = receiptHash(tree);
    return unsealed.sealed(hash, sign(hash));
  }

  /**
   * Seals a receipt and writes its JSON from the one tree the hash is computed over: the hashed
   * members are already in it, and {@code receipt_hash} and {@code signature}, last in the
   * receipt's member order, are appended. The bytes are those {@code Json.toBytes(receipt)} gives.
   */
  public SealedReceipt issue(Receipt unsealed) {
    ObjectNode tree = unsealedTree(unsealed);
    String hash = receiptHash(tree);
    ReceiptSignature signature = sign(hash);
    tree.put("receipt_hash", hash);
    tree.set("signature", Json.tree(signature));
    return new SealedReceipt(unsealed.sealed(hash, signature), RawJson.of(tree));
  }

  private static ObjectNode unsealedTree(Receipt unsealed) {
    if (unsealed.receiptHash() != null || unsealed.signature() != null) {
      throw new IllegalArgumentException("receipt is already sealed");
    }
    return (ObjectNode) Json.tree(unsealed);
  }

  private ReceiptSignature sign(String hash) {
    return new ReceiptSignature(ReceiptSignature.EDDSA, key.kid(), key.signText(hash));
  }

  /** {@code sha256(JCS(receipt minus receipt_hash and signature))}; the node is not modified. */
  public static String receiptHash(JsonNode receipt) {
    return Hashes.sha256(Canonical.canonicalizeExcluding(receipt, UNHASHED_FIELDS));
  }
}
