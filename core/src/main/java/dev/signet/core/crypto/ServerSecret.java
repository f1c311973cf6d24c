package dev.signet.core.crypto;

import java.nio.charset.StandardCharsets;

/**
 * The deployment's server secret ({@code SP_SERVER_SECRET}), from which every keyed value Signet
 * computes is derived, one sub-key per purpose: derived trace ids and the receipt origin MAC. It
 * must be the same on every instance and stable across restarts; it is never written anywhere.
 *
 * <p>Without {@code SP_SERVER_SECRET}, a service that holds the signing key derives the secret from
 * it (fine for local mode; set it explicitly in production, so that rotating the signing key does
 * not change derived trace ids).
 */
public final class ServerSecret {

  public static final String ENV = "SP_SERVER_SECRET";
  private static final int MIN_BYTES = 32;

  private final byte[] secret;

  private ServerSecret(byte[] secret) {
    this.secret = secret.clone();
  }

  /** A secret given as base64 or base64url text of at least 32 bytes. */
  public static ServerSecret parse(String text) {
    byte[] bytes;
    try {
      bytes = Base64Url.decodeLenient(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(ENV + " is not base64: " + e.getMessage(), e);
    }
    if (bytes.length < MIN_BYTES) {
      throw new IllegalArgumentException(
          ENV
              + " must be at least "
              + MIN_BYTES
              + " random bytes, base64 encoded (e.g. `openssl rand -base64 32`), got "
              + bytes.length);
    }
    return new ServerSecret(bytes);
  }

  /** The secret a service derives from the signing key when none is configured. */
  public static ServerSecret derivedFrom(SigningKey signingKey) {
    return new ServerSecret(
        HmacSha256.mac(
            signingKey.seed(), "signet/server-secret/v1".getBytes(StandardCharsets.UTF_8)));
  }

  /** {@code SP_SERVER_SECRET} if set, else derived from the signing key. */
  public static ServerSecret configured(String text, SigningKey signingKey) {
    return text == null || text.isBlank() ? derivedFrom(signingKey) : parse(text.strip());
  }

  /** A 32-byte key for one purpose; different purposes never share a key. */
  public byte[] subKey(String purpose) {
    return HmacSha256.mac(secret, ("signet/" + purpose).getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public String toString() {
    return "ServerSecret[redacted]";
  }
}
