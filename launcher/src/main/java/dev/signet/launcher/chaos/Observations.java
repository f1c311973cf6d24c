package dev.signet.launcher.chaos;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Everything a chaos run saw, as plain values for {@link ReliabilityChecks}: what was sent, what
 * callers were answered, what PostgreSQL stored, what billing counted and what was dead-lettered.
 *
 * @param requests every exchange sent (poison records excluded), by idempotency key
 * @param answers every answer a caller read, several per key when a key was sent again
 * @param stored every row of {@code receipts}
 * @param conflicts the rows of {@code receipt_conflicts}
 * @param brokenChains traces whose stored chain failed signature or hash verification
 * @param cliRejectedChains traces whose export bundle {@code signet export} could not fetch or
 *     {@code signet verify bundle} rejected
 * @param billedVex the latest hourly VEx total per tenant and hour from the billing topic
 * @param poison idempotency-key headers of the poison records sent
 * @param deadLettered idempotency-key headers of the records on the DLQ (one entry per record)
 * @param charging billing's overage charges and what the Stripe stand-in accepted; empty when the
 *     run did not charge (tests of the other checks)
 * @param forwarding the forwarding exchanges, their receipts and what the forward target received;
 *     empty when the run did not forward
 */
record Observations(
    Map<String, Request> requests,
    List<Answer> answers,
    List<StoredReceipt> stored,
    long conflicts,
    Set<String> brokenChains,
    Set<String> cliRejectedChains,
    Map<TenantHour, Long> billedVex,
    Set<String> poison,
    List<String> deadLettered,
    Optional<BillingChecks.Seen> charging,
    Optional<ForwardChecks.Seen> forwarding) {

  /**
   * Without the CLI's verdicts and charges: the checks of what callers, PostgreSQL, billing's
   * totals and the DLQ saw.
   */
  Observations(
      Map<String, Request> requests,
      List<Answer> answers,
      List<StoredReceipt> stored,
      long conflicts,
      Set<String> brokenChains,
      Map<TenantHour, Long> billedVex,
      Set<String> poison,
      List<String> deadLettered) {
    this(
        requests,
        answers,
        stored,
        conflicts,
        brokenChains,
        Set.of(),
        billedVex,
        poison,
        deadLettered,
        Optional.empty(),
        Optional.empty());
  }

  Observations {
    Objects.requireNonNull(charging, "charging");
    Objects.requireNonNull(forwarding, "forwarding");
    requests = Map.copyOf(requests);
    answers = List.copyOf(answers);
    stored = List.copyOf(stored);
    brokenChains = Set.copyOf(brokenChains);
    cliRejectedChains = Set.copyOf(cliRejectedChains);
    billedVex = Map.copyOf(billedVex);
    poison = Set.copyOf(poison);
    deadLettered = List.copyOf(deadLettered);
  }

  /**
   * One exchange, by its idempotency key. {@code confirmed}: the caller got a 200 (sync) or the
   * broker acknowledged the record on the requests topic (async) — what Signet promises not to
   * lose.
   */
  record Request(
      String idempotencyKey, String tenant, String trace, boolean sync, boolean confirmed) {
    Request {
      Objects.requireNonNull(idempotencyKey, "idempotencyKey");
      Objects.requireNonNull(tenant, "tenant");
      Objects.requireNonNull(trace, "trace");
    }
  }

  /** A 200 a caller read for {@code idempotencyKey}: the receipt it carried. */
  record Answer(String idempotencyKey, String trace, int hop, String receiptHash) {
    Answer {
      Objects.requireNonNull(idempotencyKey, "idempotencyKey");
      Objects.requireNonNull(receiptHash, "receiptHash");
    }
  }

  /** One row of {@code receipts}. */
  record StoredReceipt(
      String trace, int hop, String tenant, String receiptHash, String prevHash, Instant ts) {}

  /** A tenant's UTC hour, as billing keys its totals. */
  record TenantHour(String tenant, Instant hour) {
    TenantHour {
      Objects.requireNonNull(tenant, "tenant");
      Objects.requireNonNull(hour, "hour");
    }
  }
}
