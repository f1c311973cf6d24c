package dev.signet.store;

import java.time.Instant;
import java.util.Objects;

/**
 * A verified receipt about to be stored: the columns the store indexes or checks, and the exact
 * JSON text it arrived as.
 */
record IncomingReceipt(
    String traceId,
    int hop,
    String tenant,
    String receiptHash,
    String prevReceiptHash,
    Instant ts,
    String body) {

  IncomingReceipt {
    Objects.requireNonNull(traceId, "traceId");
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(receiptHash, "receiptHash");
    Objects.requireNonNull(ts, "ts");
    Objects.requireNonNull(body, "body");
  }
}
