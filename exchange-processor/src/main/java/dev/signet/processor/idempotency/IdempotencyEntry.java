package dev.signet.processor.idempotency;

import dev.signet.core.message.ExchangeResult;
import java.util.Objects;

/** The stored answer to one (tenant, idempotency key): the request's hash and its result. */
public record IdempotencyEntry(String requestHash, long storedAtMs, ExchangeResult result) {

  public IdempotencyEntry {
    Objects.requireNonNull(requestHash, "requestHash");
    Objects.requireNonNull(result, "result");
  }

  public static String storeKey(String tenant, String idempotencyKey) {
    // A newline cannot occur in a tenant name or an HTTP header value, so keys never collide.
    return tenant + "\n" + idempotencyKey;
  }
}
