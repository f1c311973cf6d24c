package dev.signet.core.trace;

import dev.signet.core.crypto.HmacSha256;
import dev.signet.core.crypto.ServerSecret;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * Trace ids Signet derives for requests that name none: a keyed hash of (tenant, idempotency key).
 * A retry with the same key gets the same trace, hence the same partition and the stored result;
 * nobody without the server secret can compute another tenant's derived id in advance and claim it
 * first.
 */
public final class TraceIds {

  /** Derived ids start with this, which a client-chosen id may use too; only the hash is secret. */
  static final String PREFIX = "t-";

  private final HmacSha256 hmac;

  public TraceIds(ServerSecret secret) {
    this.hmac = new HmacSha256(secret.subKey("trace-id/v1"));
  }

  /** {@code t-} and 32 hex digits (128 bits of HMAC-SHA256), a valid trace id. */
  public String derive(String tenant, String idempotencyKey) {
    byte[] input = (tenant + "\n" + idempotencyKey).getBytes(StandardCharsets.UTF_8);
    byte[] mac = hmac.mac(input);
    return PREFIX + HexFormat.of().formatHex(mac, 0, 16);
  }
}
