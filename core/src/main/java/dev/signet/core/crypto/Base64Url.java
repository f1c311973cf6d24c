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

  /**
   * Decodes base64url without padding only: the one form Signet writes, so one value has one text.
   */
  public static byte[] decodeStrict(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean alphabet =
          (c >= 'A' && c <= 'Z')
              || (c >= 'a' && c <= 'z')
              || (c >= '0' && c <= '9')
              || c == '-'
              || c == '_';
      if (!alphabet) {
        throw new IllegalArgumentException(
            "not base64url without padding: character " + i + " is '" + c + "'");
      }
    }
    if (text.length() % 4 == 1) {
      throw new IllegalArgumentException("not base64url: impossible length " + text.length());
    }
    byte[] bytes = Base64.getUrlDecoder().decode(text);
    // Spare bits in the last character would let several texts stand for one value.
    if (!encode(bytes).equals(text)) {
      throw new IllegalArgumentException(
          "not canonical base64url: the last character carries spare bits");
    }
    return bytes;
  }
}
