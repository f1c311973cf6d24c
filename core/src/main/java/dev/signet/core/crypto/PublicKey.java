package dev.signet.core.crypto;

import java.nio.charset.StandardCharsets;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/** An Ed25519 public key and its kid: what a JWKS entry carries. */
public record PublicKey(String kid, byte[] encoded) {

  public PublicKey {
    if (kid == null || kid.isBlank()) {
      throw new IllegalArgumentException("a public key needs a kid");
    }
    if (encoded == null || encoded.length != Ed25519.PUBLIC_KEY_SIZE) {
      throw new IllegalArgumentException("an Ed25519 public key is 32 bytes");
    }
    encoded = encoded.clone();
  }

  @Override
  public byte[] encoded() {
    return encoded.clone();
  }

  /** The JWK {@code x} value. */
  public String x() {
    return Base64Url.encode(encoded);
  }

  public boolean verify(byte[] message, byte[] signature) {
    if (signature.length != Ed25519.SIGNATURE_SIZE) {
      return false;
    }
    return Ed25519.verify(signature, 0, encoded, 0, message, 0, message.length);
  }

  /** Verifies a base64url signature over the UTF-8 bytes of {@code text}; bad encodings fail. */
  public boolean verifyText(String text, String signatureB64Url) {
    byte[] signature;
    try {
      signature = Base64Url.decodeLenient(signatureB64Url);
    } catch (IllegalArgumentException e) {
      return false;
    }
    return verify(text.getBytes(StandardCharsets.UTF_8), signature);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof PublicKey that
        && kid.equals(that.kid)
        && java.util.Arrays.equals(encoded, that.encoded);
  }

  @Override
  public int hashCode() {
    return kid.hashCode() * 31 + java.util.Arrays.hashCode(encoded);
  }

  @Override
  public String toString() {
    return "PublicKey[kid=" + kid + ", x=" + x() + "]";
  }
}
