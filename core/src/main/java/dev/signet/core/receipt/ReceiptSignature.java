package dev.signet.core.receipt;

import java.util.Objects;

/** {@code {"alg":"EdDSA","kid":…,"sig":base64url(Ed25519(UTF-8(receipt_hash)))}}. */
public record ReceiptSignature(String alg, String kid, String sig) {

  public static final String EDDSA = "EdDSA";

  public ReceiptSignature {
    Objects.requireNonNull(alg, "alg");
    Objects.requireNonNull(kid, "kid");
    Objects.requireNonNull(sig, "sig");
  }
}
