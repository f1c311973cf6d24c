package dev.signet.processor;

import dev.signet.core.error.ErrorCode;
import dev.signet.core.message.ExchangeResult;
import java.util.Set;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * What the exchange writes, already serialised and size-checked by the node that made it (so a
 * record the broker would refuse is refused before any state moves); the record's headers are set
 * by that node too. The split before the sinks sends each kind to its topic.
 */
sealed interface Output {

  byte[] bytes();

  /** For {@code signet.receipts.v1}, with the origin MAC header. */
  record Receipt(byte[] bytes) implements Output {}

  /** A result, with the correlation headers only, for the topic {@code destination} names. */
  record Result(byte[] bytes, Destination destination) implements Output {}

  /** Which topic a result goes to: who reads it, and whether it may be read before the commit. */
  enum Destination {
    /** {@code signet.exchange.results.v1}: no caller waits over HTTP (an async producer's). */
    RESULTS,
    /**
     * {@code signet.exchange.replies.v1}, read by ingress before the commit: a pure function of
     * committed records, so any replay of the transaction writes the same bytes.
     */
    REPLIES,
    /**
     * {@code signet.exchange.replies-settled.v1}, read by ingress only once committed: the answer
     * may depend on what is not a committed record of this task (the FU quota read from billing's
     * totals, which a replay may see changed; an exchange still in progress, which that changes; an
     * internal error).
     */
    REPLIES_SETTLED;

    private static final Set<String> UNSETTLED_CODES =
        Set.of(
            ErrorCode.FU_QUOTA_EXCEEDED.name(),
            ErrorCode.IDEMPOTENCY_IN_PROGRESS.name(),
            ErrorCode.INTERNAL.name());

    /**
     * A result with {@code correlationId} is a reply; one whose code (its own or, for an idempotent
     * replay, the stored one's) is in {@link #UNSETTLED_CODES} waits for the commit.
     */
    static Destination of(String correlationId, ExchangeResult result) {
      if (correlationId == null) {
        return RESULTS;
      }
      return result.code() != null && UNSETTLED_CODES.contains(result.code())
          ? REPLIES_SETTLED
          : REPLIES;
    }
  }

  /** For {@code signet.exchange.dlq.v1}: the original bytes, reason in headers. */
  record DeadLetter(byte[] bytes) implements Output {}

  /** For {@code signet.exchange.repair-requests.v1}, with its MAC header. */
  record RepairAsk(byte[] bytes) implements Output {}

  /** For {@code signet.exchange.forward-requests.v1}, with its MAC header. */
  record ForwardAsk(byte[] bytes) implements Output {}

  /** For {@code signet.exchange.fu-charges.v1}, with its MAC header. */
  record FuCharge(byte[] bytes) implements Output {}

  /** Writes the prepared bytes; outputs are never read back. */
  Serde<Output> SERDE =
      Serdes.serdeFrom(
          (topic, output) -> output == null ? null : output.bytes(),
          (topic, bytes) -> {
            throw new UnsupportedOperationException("outputs are written, never read");
          });
}
