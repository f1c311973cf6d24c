package dev.signet.core.crypto;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * An Ed25519 public key and its kid: what a JWKS entry carries. The curve point is decoded and
 * validated once, here, instead of on every verification (chains verify thousands per key).
 */
public final class PublicKey {

  private final String kid;
  private final byte[] encoded;
  private final Ed25519.PublicPoint point;

  public PublicKey(String kid, byte[] encoded) {
    if (kid == null || kid.isBlank()) {
      throw new IllegalArgumentException("a public key needs a kid");
    }
    if (encoded == null || encoded.length != Ed25519.PUBLIC_KEY_SIZE) {
      throw new IllegalArgumentException("an Ed25519 public key is 32 bytes");
    }
    this.kid = kid;
    this.encoded = encoded.clone();
    this.point = Ed25519.validatePublicKeyPartialExport(this.encoded, 0);
    if (point == null) {
      throw new IllegalArgumentException("key " + kid + " is not a point on Ed25519");
    }
  }

  public String kid() {
    return kid;
  }

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
    return Ed25519.verify(signature, 0, point, message, 0, message.length);
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
        && Arrays.equals(encoded, that.encoded);
  }

  @Override
  public int hashCode() {
    return Objects.hash(kid, Arrays.hashCode(encoded));
  }

  @Override
  public String toString() {
    return "PublicKey[kid=" + kid + ", x=" + x() + "]";
  }
}
