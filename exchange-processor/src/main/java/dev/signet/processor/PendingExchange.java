package dev.signet.processor;

import dev.signet.core.message.ExchangeRequest;
import dev.signet.processor.transform.Outcome;
import java.util.List;
import java.util.Objects;

/**
 * An exchange parked while a slow stage works for it off the stream threads: the model repairing
 * its arguments ({@link Waiting#MODEL}), or its document being forwarded ({@link Waiting#FORWARD}).
 * What the processor needs to go on when the stage's outcome arrives, and to answer the caller who
 * is waiting. Kept in the {@value ExchangeTopology#PENDING_REPAIRS_STORE} store under the stage's
 * request id.
 *
 * @param arguments MODEL: the arguments text the model was asked to repair
 * @param reservedTokens MODEL: the FU estimate reserved against the quota
 * @param quotaPeriod MODEL: the UTC month the reservation was made in, {@code YYYY-MM}
 * @param normalized FORWARD: the document being forwarded, and how it was repaired
 * @param fuTokens FORWARD: the tokens of the model's repair before it, or null
 * @param askedAtMs when the stage was asked (stream wall clock), for the phase latency
 */
record PendingExchange(
    String id,
    Waiting waiting,
    Exchange exchange,
    String arguments,
    long reservedTokens,
    String quotaPeriod,
    Outcome.Normalized normalized,
    Long fuTokens,
    long askedAtMs) {

  enum Waiting {
    MODEL,
    FORWARD
  }

  /**
   * The exchange itself, whatever it waits for.
   *
   * @param allowlist the tenant key's forwarding allow-list, for a forward decided after a repair
   * @param entryKey the idempotency entry to fill with the final result, or null without a key
   * @param requestHash the request's hash for that entry, or null without a key
   * @param correlationId the waiting caller's correlation id, or null for an async producer
   * @param acceptedAt when ingress accepted the request, or null
   */
  record Exchange(
      String tenant,
      List<String> allowlist,
      String traceId,
      ExchangeRequest request,
      String entryKey,
      String requestHash,
      String correlationId,
      String acceptedAt) {

    Exchange {
      Objects.requireNonNull(tenant, "tenant");
      Objects.requireNonNull(traceId, "traceId");
      Objects.requireNonNull(request, "request");
      allowlist = allowlist == null ? List.of() : List.copyOf(allowlist);
    }
  }

  PendingExchange {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(waiting, "waiting");
    Objects.requireNonNull(exchange, "exchange");
    if (waiting == Waiting.MODEL && (arguments == null || quotaPeriod == null)) {
      throw new IllegalArgumentException("an exchange waiting for the model has its arguments");
    }
    if (waiting == Waiting.FORWARD && normalized == null) {
      throw new IllegalArgumentException("an exchange waiting for a forward has its document");
    }
  }

  static PendingExchange model(
      String repairId,
      Exchange exchange,
      String arguments,
      long reservedTokens,
      String quotaPeriod,
      long now) {
    return new PendingExchange(
        repairId, Waiting.MODEL, exchange, arguments, reservedTokens, quotaPeriod, null, null, now);
  }

  static PendingExchange forward(
      String forwardId, Exchange exchange, Outcome.Normalized document, Long fuTokens, long now) {
    return new PendingExchange(
        forwardId, Waiting.FORWARD, exchange, null, 0, null, document, fuTokens, now);
  }
}
