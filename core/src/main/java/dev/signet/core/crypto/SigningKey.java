package dev.signet.core.crypto;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * An Ed25519 private key with its key id. Signing uses BouncyCastle's RFC 8032 code directly (about
 * 20x the JDK provider's throughput here) and is safe to share between threads: it keeps only the
 * seed and the public key, computed once.
 */
public final class SigningKey {

  private final String kid;
  private final byte[] seed;
  private final byte[] publicKeyBytes;

  public SigningKey(String kid, byte[] seed) {
    if (kid == null || kid.isBlank()) {
      throw new IllegalArgumentException("a signing key needs a kid");
    }
    if (seed.length != Ed25519.SECRET_KEY_SIZE) {
      throw new IllegalArgumentException(
          "an Ed25519 seed is 32 bytes, got "
              + seed.length
              + " (run ./signet keygen for a valid one)");
    }
    this.kid = kid;
    this.seed = seed.clone();
    this.publicKeyBytes = new Ed25519PrivateKeyParameters(seed, 0).generatePublicKey().getEncoded();
  }

  public static SigningKey generate(String kid) {
    byte[] seed = new byte[Ed25519.SECRET_KEY_SIZE];
    new SecureRandom().nextBytes(seed);
    return new SigningKey(kid, seed);
  }

  public String kid() {
    return kid;
  }

  public byte[] seed() {
    return seed.clone();
  }

  public PublicKey publicKey() {
    return new PublicKey(kid, publicKeyBytes);
  }

  public byte[] sign(byte[] message) {
    byte[] signature = new byte[Ed25519.SIGNATURE_SIZE];
    Ed25519.sign(seed, 0, publicKeyBytes, 0, message, 0, message.length, signature, 0);
    return signature;
  }

  /** base64url-no-padding Ed25519 signature over the UTF-8 bytes of {@code text}. */
  public String signText(String text) {
    return Base64Url.encode(sign(text.getBytes(StandardCharsets.UTF_8)));
  }
}
