package dev.signet.processor;

import dev.signet.core.message.ExchangeResult;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code signet_processor_exchanges_total{outcome}}, shared by every node of the exchange topology.
 */
final class ExchangeCounters {

  private final MeterRegistry meters;
  private final Map<String, Counter> byOutcome = new ConcurrentHashMap<>();

  ExchangeCounters(MeterRegistry meters) {
    this.meters = meters;
  }

  void result(ExchangeResult result) {
    outcome(result.accepted() ? (result.idempotencyHit() ? "replay" : "issued") : result.code());
  }

  void deadLettered() {
    outcome("dead-lettered");
  }

  void rerouted() {
    outcome("rerouted");
  }

  private void outcome(String outcome) {
    byOutcome
        .computeIfAbsent(
            outcome,
            o ->
                Counter.builder("signet_processor_exchanges")
                    .tag("outcome", o)
                    .description("Exchanges processed, by outcome")
                    .register(meters))
        .increment();
  }
}
