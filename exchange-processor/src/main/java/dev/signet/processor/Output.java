package dev.signet.processor;

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

  /** For {@code signet.exchange.results.v1}, with the correlation headers only. */
  record Result(byte[] bytes) implements Output {}

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
