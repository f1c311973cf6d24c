package dev.signet.core.crypto;

import java.util.Base64;

/** base64url without padding, the encoding of every signature and key in Signet. */
public final class Base64Url {

  private Base64Url() {}

  public static String encode(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** Decodes base64url or standard base64, with or without padding. */
  public static byte[] decodeLenient(String text) {
    String normalised = text.strip().replace('+', '-').replace('/', '_');
    int padding = normalised.indexOf('=');
    if (padding >= 0) {
      normalised = normalised.substring(0, padding);
    }
    return Base64.getUrlDecoder().decode(normalised);
  }
}
