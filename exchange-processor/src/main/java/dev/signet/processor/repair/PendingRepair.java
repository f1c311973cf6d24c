package dev.signet.processor.repair;

import dev.signet.core.message.ExchangeRequest;
import java.util.Objects;

/**
 * An exchange parked while the model repairs its arguments: what the processor needs to go on with
 * it when the outcome arrives, and to answer the caller who is waiting. Kept in the processor's
 * {@code pending-repairs} store under its {@code repairId}.
 *
 * @param entryKey the idempotency entry to fill with the final result, or null without a key
 * @param requestHash the request's hash for that entry, or null without a key
 * @param correlationId the waiting caller's correlation id, or null for an async producer
 * @param acceptedAt when ingress accepted the request, or null
 * @param arguments the arguments text the model was asked to repair
 * @param reservedTokens the FU estimate reserved against the quota
 * @param quotaPeriod the UTC month the reservation was made in, {@code YYYY-MM}
 * @param askedAtMs when the model was asked (stream wall clock), for the phase latency
 */
public record PendingRepair(
    String repairId,
    String tenant,
    String traceId,
    ExchangeRequest request,
    String entryKey,
    String requestHash,
    String correlationId,
    String acceptedAt,
    String arguments,
    long reservedTokens,
    String quotaPeriod,
    long askedAtMs) {

  public PendingRepair {
    Objects.requireNonNull(repairId, "repairId");
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(traceId, "traceId");
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(arguments, "arguments");
    Objects.requireNonNull(quotaPeriod, "quotaPeriod");
  }
}
