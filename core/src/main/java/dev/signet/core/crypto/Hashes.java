package dev.signet.core.crypto;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 content ids in Signet's {@code "sha256:<hex>"} form. */
public final class Hashes {

  public static final String PREFIX = "sha256:";
  private static final HexFormat HEX = HexFormat.of();

  private Hashes() {}

  public static String sha256(String utf8Text) {
    return sha256(utf8Text.getBytes(StandardCharsets.UTF_8));
  }

  public static String sha256(byte[] bytes) {
    return PREFIX + HEX.formatHex(digest(bytes));
  }

  public static byte[] digest(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM ships SHA-256", e);
    }
  }
}
