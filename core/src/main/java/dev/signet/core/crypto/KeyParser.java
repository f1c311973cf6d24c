package dev.signet.core.crypto;

import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads {@code SP_PRIVATE_KEY_B64}: a 32-byte Ed25519 seed in base64url or standard base64 (padding
 * optional, the Python original's format), or a PKCS#8 PEM Ed25519 private key.
 */
public final class KeyParser {

  static final String HOW_TO_FIX =
      "SP_PRIVATE_KEY_B64 must be a 32-byte Ed25519 seed (base64url) or a PKCS#8 PEM Ed25519 key;"
          + " run ./signet keygen to make one";

  private static final Pattern PEM =
      Pattern.compile("-----BEGIN PRIVATE KEY-----(.*?)-----END PRIVATE KEY-----", Pattern.DOTALL);

  // DER prefix of a PKCS#8 Ed25519 key (RFC 8410): SEQUENCE, version 0, AlgorithmIdentifier
  // 1.3.101.112, OCTET STRING(OCTET STRING(32)).
  private static final byte[] PKCS8_ED25519_PREFIX = {
    0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20
  };

  private KeyParser() {}

  public static SigningKey parse(String kid, String configured) {
    if (configured == null || configured.isBlank()) {
      throw new InvalidKeyException("SP_PRIVATE_KEY_B64 is empty. " + HOW_TO_FIX);
    }
    String text = configured.strip().replace("\\n", "\n");
    byte[] seed = text.contains("-----BEGIN") ? seedFromPem(text) : seedFromBase64(text);
    return new SigningKey(kid, seed);
  }

  private static byte[] seedFromBase64(String text) {
    byte[] decoded;
    try {
      decoded = Base64Url.decodeLenient(text);
    } catch (IllegalArgumentException e) {
      throw new InvalidKeyException("SP_PRIVATE_KEY_B64 is not base64. " + HOW_TO_FIX, e);
    }
    if (decoded.length == 64) {
      // libsodium / PyNaCl style secret key: seed followed by the public key.
      byte[] seed = new byte[32];
      System.arraycopy(decoded, 0, seed, 0, 32);
      return seed;
    }
    if (decoded.length != 32) {
      throw new InvalidKeyException(
          "SP_PRIVATE_KEY_B64 decodes to " + decoded.length + " bytes, not 32. " + HOW_TO_FIX);
    }
    return decoded;
  }

  private static byte[] seedFromPem(String text) {
    Matcher matcher = PEM.matcher(text);
    if (!matcher.find()) {
      throw new InvalidKeyException(
          "SP_PRIVATE_KEY_B64 holds a PEM block that is not an unencrypted PKCS#8 private key. "
              + HOW_TO_FIX);
    }
    byte[] der;
    try {
      der = Base64.getMimeDecoder().decode(matcher.group(1));
    } catch (IllegalArgumentException e) {
      throw new InvalidKeyException("the PEM key is not valid base64. " + HOW_TO_FIX, e);
    }
    if (der.length != PKCS8_ED25519_PREFIX.length + 32 || !startsWith(der, PKCS8_ED25519_PREFIX)) {
      throw new InvalidKeyException(
          "the PEM key is not an Ed25519 key (RSA and EC keys cannot sign SR-1 receipts). "
              + HOW_TO_FIX);
    }
    byte[] seed = new byte[32];
    System.arraycopy(der, PKCS8_ED25519_PREFIX.length, seed, 0, 32);
    return seed;
  }

  /** The PKCS#8 PEM form of a seed, for {@code signet keygen}. */
  public static String toPem(SigningKey key) {
    byte[] der = new byte[PKCS8_ED25519_PREFIX.length + 32];
    System.arraycopy(PKCS8_ED25519_PREFIX, 0, der, 0, PKCS8_ED25519_PREFIX.length);
    System.arraycopy(key.seed(), 0, der, PKCS8_ED25519_PREFIX.length, 32);
    return "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END PRIVATE KEY-----\n";
  }

  private static boolean startsWith(byte[] bytes, byte[] prefix) {
    for (int i = 0; i < prefix.length; i++) {
      if (bytes[i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  /** A configured key that cannot sign; the message says how to make a right one. */
  public static final class InvalidKeyException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    InvalidKeyException(String message) {
      super(message);
    }

    InvalidKeyException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
