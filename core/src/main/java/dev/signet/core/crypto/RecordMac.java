package dev.signet.core.crypto;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Proof that a record was written by a Signet service holding the server secret: an HMAC-SHA256
 * over the record's exact value bytes, under a key derived for one purpose (one topic family), so a
 * MAC made for one kind of record never vouches for another. A client that can write to a topic but
 * lacks the secret cannot make a record that Signet acts on (bills, prices, pushes to Stripe).
 */
public final class RecordMac {

  private final HmacSha256 hmac;
  private final String header;

  /**
   * @param purpose the key derivation label, e.g. {@code overage/v1}
   * @param header the record header that carries the MAC
   */
  public RecordMac(ServerSecret secret, String purpose, String header) {
    this.hmac = new HmacSha256(secret.subKey(purpose));
    this.header = header;
  }

  /** base64url MAC of the record value. */
  public String sign(byte[] value) {
    return Base64Url.encode(hmac.mac(value));
  }

  /** True only for the MAC this key makes of exactly these bytes; compared in constant time. */
  public boolean verify(byte[] value, String mac) {
    if (value == null || mac == null) {
      return false;
    }
    byte[] given;
    try {
      given = Base64Url.decodeStrict(mac);
    } catch (IllegalArgumentException e) {
      return false;
    }
    return MessageDigest.isEqual(hmac.mac(value), given);
  }

  /** The header this MAC travels in. */
  public String header() {
    return header;
  }

  /** Replaces the record's MAC header with the MAC of {@code value}. */
  public void stamp(Headers headers, byte[] value) {
    headers.remove(header);
    headers.add(header, sign(value).getBytes(StandardCharsets.US_ASCII));
  }

  /** Whether the record's (last) MAC header is this key's MAC of {@code value}. */
  public boolean verify(Headers headers, byte[] value) {
    Header last = headers == null ? null : headers.lastHeader(header);
    return last != null
        && last.value() != null
        && verify(value, new String(last.value(), StandardCharsets.US_ASCII));
  }
}
