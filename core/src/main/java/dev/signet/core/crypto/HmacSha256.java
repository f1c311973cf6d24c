package dev.signet.core.crypto;

import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** HMAC-SHA256 under one key, safe to share between threads (one {@link Mac} per thread). */
public final class HmacSha256 {

  private static final String ALGORITHM = "HmacSHA256";

  private final SecretKeySpec key;
  private final ThreadLocal<Mac> macs;

  public HmacSha256(byte[] key) {
    this.key = new SecretKeySpec(key, ALGORITHM);
    this.macs = ThreadLocal.withInitial(this::newMac);
  }

  public byte[] mac(byte[] message) {
    return macs.get().doFinal(message);
  }

  /** A one-off MAC, for keys used once (deriving sub-keys). */
  static byte[] mac(byte[] key, byte[] message) {
    return new HmacSha256(key).newMac().doFinal(message);
  }

  private Mac newMac() {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(key);
      return mac;
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("every JVM ships " + ALGORITHM, e);
    }
  }
}
