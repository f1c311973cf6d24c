package dev.signet.processor;

import dev.signet.core.message.RepairOutcome;
import dev.signet.processor.transform.RepairMetrics;
import dev.signet.processor.transform.RepairStep;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;

/**
 * The slow stages as the exchange sees them. The model rung: an attempt each time the model is
 * asked ({@code signet_repair_attempts_total{step="llm_fallback"}}), a success and {@code
 * signet_fallback_used_total} each time a receipt is issued from its reply, the wait in the {@code
 * repair} phase; the forward's wait in the {@code forward} phase; and {@code
 * signet_stage_outcomes_unmatched_total{stage}} for outcomes of either stage no parked exchange was
 * waiting for (a replay, a stray).
 */
final class StageCounters {

  private final RepairMetrics repairMetrics;
  private final ExchangePhases phases;
  private final Counter fallbackUsed;
  private final MeterRegistry meters;

  StageCounters(MeterRegistry meters, RepairMetrics repairMetrics, ExchangePhases phases) {
    this.repairMetrics = repairMetrics;
    this.phases = phases;
    this.fallbackUsed =
        Counter.builder("signet_fallback_used")
            .description("Receipts issued from a model-repaired document")
            .register(meters);
    this.meters = meters;
  }

  void asked() {
    repairMetrics.attempted(RepairStep.LLM_FALLBACK);
  }

  void unmatchedOutcome(String stage) {
    Counter.builder("signet_stage_outcomes_unmatched")
        .description("Stage outcomes no parked exchange was waiting for (replays, strays)")
        .tag("stage", stage)
        .register(meters)
        .increment();
  }

  void forwarded(long waitedMs) {
    phases.record(ExchangePhases.Phase.FORWARD, Duration.ofMillis(Math.max(0, waitedMs)));
  }

  void answered(RepairOutcome outcome, boolean issued, long waitedMs) {
    if (issued) {
      repairMetrics.succeeded(RepairStep.LLM_FALLBACK);
      fallbackUsed.increment();
    }
    phases.record(ExchangePhases.Phase.REPAIR, Duration.ofMillis(Math.max(0, waitedMs)));
  }
}
